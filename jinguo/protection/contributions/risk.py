"""Registry contributions of the risk concern: menu items, the 待复评 home panel, the current
risk level on the person and case pages, role grants, audit labels, statistics sources; and
the shipped default instrument.

Who does what (role grants):
- rights_officer (维权干部): assesses, reads assessments, keeps safety plans; reads instruments.
- leader: reads assessments and safety plans of her subtree; manages instruments (which
  questions count is a professional decision the federation's leadership owns).
- hotline_operator: reads assessments (she holds view_sensitive; a caller's danger level
  matters at once), no safety plans.
- sysadmin: manages instruments (configuration, like case categories) and sees no assessment.
- community_chair / grid_worker: nothing here. Their roles do not hold core.view_sensitive, so
  they could not read the assessment they would make; a worker who must assess is given the
  rights_officer role, or the person is shared with her.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import crud
from jinguo.cases.selectors import is_violence_case
from jinguo.core import registry

from . import menu_order

VIEW = "protection.view_riskassessment"

# --- menu ----------------------------------------------------------------------------------

registry.menu_item(
    "protection",
    _("风险人员"),
    "protection:riskperson_list",
    "ti-alert-octagon",
    permissions=(VIEW,),
    order=menu_order("protection:riskperson_list"),
)
registry.menu_item(
    "protection",
    _("风险评估记录"),
    "protection:riskassessment_list",
    "ti-clipboard-list",
    permissions=(VIEW,),
    order=menu_order("protection:riskassessment_list"),
)
registry.menu_item(
    "protection",
    _("风险评估工具"),
    "protection:instrument_list",
    "ti-list-check",
    permissions=("protection.view_instrument",),
    order=menu_order("protection:instrument_list"),
)


# --- 工作台 and other pages -------------------------------------------------------------------

PANEL_ROWS = 8


def due_reviews_panel(user) -> dict | None:
    """待复评: current assessments due again within 7 days or overdue, highest level first."""
    from ..selectors.risk import due_reviews

    if not user.has_perm(VIEW):
        return None
    due = due_reviews(user)
    rows = list(due.select_related("person")[:PANEL_ROWS])
    if not rows:
        return None
    today = timezone.localdate()
    return {
        "rows": [{"a": a, "overdue_days": (today - a.next_review_on).days} for a in rows],
        "total": due.count(),
        "list_url": reverse("protection:riskassessment_list")
        + "?current=true&review=due&sort=-level",
        "can_assess": user.has_perm("protection.add_riskassessment"),
    }


def person_section(user, person) -> dict:
    from ..selectors.risk import person_history, plan_for_person, trend_of
    from ..services.risk import plan_needs_review

    history = person_history(user, person)
    plan = plan_for_person(user, person)
    return {
        "risk_person": person,
        "risk_trend": trend_of(history),
        "risk_count": len(history),
        "risk_plan": plan,
        "risk_plan_review": plan is not None and plan_needs_review(plan),
        "risk_can_assess": user.has_perm("protection.add_riskassessment"),
        "risk_can_plan": user.has_perm("protection.add_safetyplan"),
        "risk_today": timezone.localdate(),
    }


def case_section(user, case) -> dict | None:
    """The current level of each person of the case (as complainant or party) she may see."""
    from jinguo.people.models import Person

    from ..selectors.risk import current_risk

    ids = {case.complainant_id} | set(case.parties.values_list("person_id", flat=True))
    ids.discard(None)
    people = list(Person.objects.restrict(user, "view").filter(pk__in=ids).order_by("pk"))
    is_violence = is_violence_case(case)
    rows = [{"person": p, "current": current_risk(p, user)} for p in people]
    if not is_violence and not any(r["current"] for r in rows):
        return None
    return {
        "risk_case": case,
        "risk_rows": rows,
        "risk_can_assess": user.has_perm("protection.add_riskassessment"),
    }


registry.home_panel(
    "protection.risk_reviews",
    "protection/risk/panels/due_reviews.html",
    context=due_reviews_panel,
    permissions=(VIEW,),
    order=18,
)
registry.section(
    "people.person",
    "protection.risk",
    "protection/risk/sections/person_risk.html",
    context=person_section,
    permissions=(VIEW,),
    order=20,
)
registry.section(
    "cases.case",
    "protection.risk",
    "protection/risk/sections/case_risk.html",
    context=case_section,
    permissions=(VIEW,),
    order=5,
)

# --- roles ---------------------------------------------------------------------------------

INSTRUMENT_VIEW = ["protection.view_instrument"]
INSTRUMENT_MANAGE = crud("protection", "instrument")
registry.role_grants("sysadmin", INSTRUMENT_MANAGE)
registry.role_grants(
    "leader",
    [*crud("protection", "riskassessment", "safetyplan", actions=("view",)), *INSTRUMENT_MANAGE],
)
registry.role_grants(
    "rights_officer",
    [*crud("protection", "riskassessment", "safetyplan"), *INSTRUMENT_VIEW],
)
registry.role_grants("hotline_operator", [VIEW, *INSTRUMENT_VIEW])

# --- statistics ----------------------------------------------------------------------------

registry.stats_source(
    "protection.riskassessment",
    _("风险评估"),
    model="protection.RiskAssessment",
    date_field="assessed_at",
    dimensions={"level": _("风险等级"), "computed_level": _("计算等级")},
)


def load_defaults(using: str = "default") -> None:
    """Create this concern's shipped defaults when missing; never overwrite."""
    from ..services.risk_instruments import load_default_instrument

    load_default_instrument(using=using)
