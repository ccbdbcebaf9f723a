"""What the shelter concern shows on other pages: home panels (超期入住, 待处理强制报告,
应急处置待办) and sections of the person and case pages. Each reads through restrict()."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from jinguo.cases.choices import OPEN_STATUSES, Urgency
from jinguo.cases.models import Case
from jinguo.core.scoping import may

from .. import choices
from ..forms.shelter import ADDRESS_HIDDEN
from ..models import EmergencyAction
from .shelter import (
    VIOLENCE_CASE,
    case_actions,
    checklist_for,
    is_emergency_case,
    locatable_shelter_ids,
    overdue_stays,
    visible_reports,
    visible_stays,
)

TOP = 5


def _url(name, **query) -> str:
    return reverse(name) + ("?" + urlencode(query) if query else "")


# --- home panels ---------------------------------------------------------------------------


def overdue_stays_panel(user) -> dict | None:
    """Stays past their planned end that she may see (her shelters' staff see theirs)."""
    stays = overdue_stays(user)
    count = stays.count()
    if not count:
        return None
    today = timezone.localdate()
    rows = [
        {"stay": s, "days": (today - s.planned_leave_on).days}
        for s in stays.select_related("shelter", "person")[:TOP]
    ]
    return {
        "shelter_overdue_count": count,
        "shelter_overdue_rows": rows,
        "shelter_overdue_url": _url("protection:shelterstay_list", state="overdue"),
    }


def pending_reports_panel(user) -> dict | None:
    """Mandatory reports waiting for her decision, oldest first."""
    if not user.has_perm("protection.change_mandatoryreport"):
        return None
    reports = (
        visible_reports(user, "change")
        .filter(status=choices.ReportStatus.NEW)
        .order_by("reported_at", "pk")
    )
    count = reports.count()
    if not count:
        return None
    now = timezone.now()
    rows = [
        {"report": r, "hours": int((now - r.reported_at).total_seconds() // 3600)}
        for r in reports[:TOP]
    ]
    return {
        "reports_pending_count": count,
        "reports_pending_rows": rows,
        "reports_pending_url": _url(
            "protection:mandatoryreport_list", status=choices.ReportStatus.NEW
        ),
    }


def emergency_panel(user) -> dict | None:
    """Urgent violence cases she may see on which nobody has recorded an emergency action."""
    if not user.has_perm("cases.view_case"):
        return None
    cases = (
        Case.objects.restrict(user, "view")
        .filter(VIOLENCE_CASE, urgency=Urgency.URGENT, status__in=OPEN_STATUSES)
        .exclude(Exists(EmergencyAction.objects.filter(case=OuterRef("pk"))))
        .order_by("received_at", "pk")
    )
    count = cases.count()
    if not count:
        return None
    now = timezone.now()
    rows = [
        {"case": c, "hours": int((now - c.received_at).total_seconds() // 3600)}
        for c in cases.select_related("category")[:TOP]
    ]
    return {
        "emergency_count": count,
        "emergency_rows": rows,
        "emergency_url": _url("cases:case_list", queue="urgent"),
    }


# --- sections ---------------------------------------------------------------------------------


def _stay_rows(user, stays) -> list[dict]:
    located = locatable_shelter_ids(user)
    today = timezone.localdate()
    return [
        {
            "stay": s,
            "address": s.shelter.address if s.shelter_id in located else None,
            "overdue": s.left_at is None and s.planned_leave_on < today,
        }
        for s in stays
    ]


def person_stays(user, person) -> dict | None:
    stays = list(visible_stays(user).filter(person=person).prefetch_related("children")[:20])
    may_admit = user.has_perm("protection.add_shelterstay") and person.is_active
    if not stays and not may_admit:
        return None
    return {
        "shelter_stays": _stay_rows(user, stays),
        "shelter_address_hidden": ADDRESS_HIDDEN,
        "shelter_admit_url": _url("protection:shelterstay_create", person=person.pk)
        if may_admit
        else None,
    }


def case_stays(user, case) -> dict | None:
    stays = list(visible_stays(user).filter(case=case).prefetch_related("children")[:20])
    if not stays:
        return None
    return {"shelter_stays": _stay_rows(user, stays), "shelter_address_hidden": ADDRESS_HIDDEN}


def case_emergency(user, case) -> dict | None:
    """The checklist of an urgent violence case, from the moment it is registered."""
    if not is_emergency_case(case):
        return None
    template = checklist_for(case)
    if template is None:
        return None
    done = case_actions(case)
    visible_done = set(
        EmergencyAction.objects.restrict(user, "view")
        .filter(case=case)
        .values_list("step_id", flat=True)
    )
    steps = [
        {"step": step, "action": done.get(step.pk) if step.pk in visible_done else None}
        for step in template.steps.order_by("order", "pk")
    ]
    may_tick = user.has_perm("protection.add_emergencyaction") and may(user, "change", case)
    due = case.received_at + timedelta(hours=template.act_within_hours)
    nothing_done = not done
    return {
        "emergency_template": template,
        "emergency_steps": steps,
        "emergency_done": sum(1 for s in steps if s["action"]),
        "emergency_may_tick": may_tick and case.status in OPEN_STATUSES,
        "emergency_due": due,
        "emergency_late": nothing_done and timezone.now() > due,
        "emergency_tick_url": reverse("protection:emergencyaction_create", args=[case.pk]),
    }
