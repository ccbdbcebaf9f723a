"""Factories for cases tests, shared by every cases test module.

``make_case(unit, **kw)`` creates a case owned by ``unit`` directly (no permission checks, no
audit row): the number from the unit's counter, deadlines from the policies, sensitivity from
the category. Any Case field may be passed; ``category`` may be a Category or its code.
``parties=[(person, role), …]`` adds case parties. Deadline fields (due_at, due_state…)
given explicitly are kept instead of the computed ones. Use the services (case_create, case_accept…)
when the test is about the workflow itself.

Examples::

    case = make_case(tree.community_a)                                  # 家庭纠纷, registered
    case = make_case(tree.street_a, category="family-violence",
                     gbv_type="physical", status="assigned", assigned_to=worker)
"""

from django.db import transaction
from django.utils import timezone

from jinguo.cases import choices
from jinguo.cases.deadlines import DEADLINE_FIELDS, apply_deadlines
from jinguo.cases.models import Case, CaseParty, Category
from jinguo.cases.services.numbering import next_case_number
from jinguo.core.search import build_search_text
from jinguo.testing.factories import UserFactory, grant

DEFAULT_CATEGORY = "family-dispute"


def category(code: str = DEFAULT_CATEGORY) -> Category:
    return Category.objects.select_related("parent").get(code=code)


def _category_pair(value) -> tuple[Category, Category | None]:
    """A sub-category given as ``category`` is split into (its parent, itself)."""
    cat = category(value) if isinstance(value, str) else value
    if cat.parent_id:
        return cat.parent, cat
    return cat, None


def make_case(unit, **kw) -> Case:
    parties = kw.pop("parties", ())
    cat, sub = _category_pair(kw.pop("category", DEFAULT_CATEGORY))
    if "subcategory" in kw:
        sub = kw.pop("subcategory")
        sub = category(sub) if isinstance(sub, str) else sub
    kw.setdefault("channel", choices.Channel.HOTLINE_12338)
    kw.setdefault("summary", "家庭矛盾求助")
    kw.setdefault("received_at", timezone.now())
    if "is_sensitive" not in kw:
        kw["is_sensitive"] = bool(
            cat.is_violence
            or cat.sensitive
            or (sub is not None and (sub.is_violence or sub.sensitive))
            or kw.get("involves_minor")
            or kw.get("gbv_type") in choices.SEXUAL_GBV_TYPES
        )
    if (cat.is_violence or (sub is not None and sub.is_violence)) and not kw.get("gbv_type"):
        kw["gbv_type"] = choices.GbvType.PHYSICAL
    status = kw.get("status", choices.Status.REGISTERED)
    now = timezone.now()
    if status not in (choices.Status.REGISTERED, choices.Status.DECLINED):
        kw.setdefault("accepted_at", now)
    if status in (choices.Status.RESOLVED, choices.Status.CLOSED):
        kw.setdefault("resolved_at", now)
        kw.setdefault("outcome", choices.Outcome.ANSWERED)
    if status == choices.Status.CLOSED:
        kw.setdefault("closed_at", now)
    with transaction.atomic():
        case = Case(org=unit, category=cat, subcategory=sub, **kw)
        case.number = next_case_number(unit, at=case.received_at)
        case.search_text = build_search_text(
            case.number, case.summary, cat.name, sub.name if sub else "", case.get_channel_display()
        )
        apply_deadlines(case)
        # Deadline fields passed explicitly win over the computed ones (queue tests).
        for name in DEADLINE_FIELDS:
            if name in kw:
                setattr(case, name, kw[name])
        case.save(force_insert=True)
        for person, role in parties:
            CaseParty.objects.create(case=case, person=person, role=role)
    return case


# Everything a worker needs to record referrals, mediations and attachments on any case of
# her unit, sensitive ones included.
CLERK_PERMISSIONS = (
    "cases.view_case",
    "cases.change_case",
    "cases.add_referral",
    "cases.add_mediation",
    "cases.add_attachment",
    "core.view_sensitive",
)


def clerk(unit):
    """A worker of ``unit`` who may record anything on its cases, for making records through
    the services (which check permission and scope like any caller)."""
    user = UserFactory(home_unit=unit)
    grant(user, *CLERK_PERMISSIONS)
    return user
