"""What the cases app shows on other pages: its 工作台 panels and its sections of the person
and case pages (registered in contrib.py), each read through restrict().

The 工作台 opens on work: what is overdue (most urgent, then most late, first), what waits
for the user's decision, what an agency has not answered. Figures and charts come below.
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jinguo.orgs.models import OrgUnit

from . import choices
from .deadlines import how_late as _late
from .models import AgencyMember, Attachment, Case, Extension, Mediation, Referral
from .selectors import queue_cases

TOP = 5
RANKED_UNITS = 8


def _queue_url(name: str, **filters) -> str:
    return reverse("cases:case_list") + "?" + urlencode({"queue": name, **filters})


def _referrals_url(**filters) -> str:
    return reverse("cases:referral_list") + ("?" + urlencode(filters) if filters else "")


def _agency_member(user) -> bool:
    return AgencyMember.objects.filter(user_id=user.pk).exists()


def case_rows(cases, now) -> list[dict]:
    return [{"case": case, **_late(case.due_at, now)} for case in cases]


# --- the case worker's work list -------------------------------------------------------------


def work_panel(user) -> dict | None:
    """Her cases and referrals that need doing, each count linking to the list behind it."""
    if not user.has_perm("cases.change_case") or _agency_member(user):
        return None
    now = timezone.now()
    visible = Case.objects.restrict(user, "view")
    open_ = Q(status__in=choices.OPEN_STATUSES)
    counts = visible.aggregate(
        overdue=Count("pk", filter=open_ & Q(due_state=choices.DueState.OVERDUE)),
        urgent=Count("pk", filter=open_ & Q(urgency=choices.Urgency.URGENT)),
        sensitive=Count("pk", filter=open_ & Q(is_sensitive=True)),
        soon=Count("pk", filter=open_ & Q(due_state=choices.DueState.SOON)),
        mine=Count("pk", filter=open_ & Q(assigned_to_id=user.pk)),
        follow_ups=Count("pk", filter=Q(status=choices.Status.RESOLVED, follow_up_due_at__lte=now)),
    )
    referrals = Referral.objects.restrict(user, "view").filter(
        case__status__in=choices.OPEN_STATUSES
    )
    ref = referrals.aggregate(
        unanswered=Count("pk", filter=Q(status=choices.ReferralStatus.SENT, due_at__lt=now)),
        returned=Count("pk", filter=Q(status=choices.ReferralStatus.DECLINED)),
    )
    extensions = Extension.objects.filter(
        status=choices.ExtensionStatus.PENDING,
        requested_by_id=user.pk,
        case__in=visible.values("pk"),
    ).count()
    rows = [
        (
            _("已超期"),
            counts["overdue"],
            _queue_url("overdue"),
            "danger",
            _("最紧急、最超期的在前"),
        ),
        (_("紧急个案"), counts["urgent"], _queue_url("urgent"), "danger", ""),
        (_("敏感个案"), counts["sensitive"], _queue_url("sensitive"), "warning", ""),
        (_("即将到期"), counts["soon"], _queue_url("due_soon"), "warning", ""),
        (
            _("转介逾期未接收"),
            ref["unanswered"],
            _referrals_url(tab="overdue"),
            "danger",
            _("可督促机构办理"),
        ),
        (
            _("被机构退回的转介"),
            ref["returned"],
            _referrals_url(tab="returned"),
            "warning",
            _("请改转其他机构或自行办理"),
        ),
        (_("到期待回访"), counts["follow_ups"], _queue_url("follow_up"), "warning", ""),
        (
            _("我的延期申请待审批"),
            extensions,
            # Exactly the cases of her pending requests, among all she may see.
            _queue_url("all", extension="mine"),
            "secondary",
            _("审批结果见各个案页"),
        ),
        (_("由我承办"), counts["mine"], _queue_url("mine"), "primary", ""),
    ]
    top = list(queue_cases(user, "overdue").select_related("category", "subcategory", "org")[:TOP])
    return {
        "rows": [
            {"label": label, "count": n, "url": url, "tone": tone, "hint": hint}
            for label, n, url, tone, hint in rows
        ],
        "nothing": not any(n for _label, n, *_rest in rows[:-1]),
        "top": case_rows(top, now),
        "overdue_url": _queue_url("overdue"),
    }


# --- the leader's ------------------------------------------------------------------------------


def leader_panel(user) -> dict | None:
    """Approvals that wait for her, and which of her units are most behind."""
    if not user.has_perm("cases.approve_case") or user.home_unit_id is None:
        return None
    now = timezone.now()
    visible = Case.objects.restrict(user, "view")
    # The same cases the 延期审批 list shows (restrict with "approve"), so the count is its length.
    approvable = Case.objects.restrict(user, "approve").values("pk")
    approvals = (
        Extension.objects.filter(status=choices.ExtensionStatus.PENDING, case__in=approvable)
        .exclude(requested_by_id=user.pk)
        .count()
    )
    overdue = visible.filter(status__in=choices.OPEN_STATUSES, due_state=choices.DueState.OVERDUE)
    home = user.home_path
    by_path = overdue.values_list("org_path").annotate(n=Count("pk")).order_by()
    by_child: dict[str, int] = {}
    own = 0
    for path, n in by_path:
        rest = path[len(home) :] if path.startswith(home) else ""
        if not rest:
            own += n
            continue
        child = home + rest.split("/", 1)[0] + "/"
        by_child[child] = by_child.get(child, 0) + n

    units = {u.path: u for u in OrgUnit.objects.filter(path__in=list(by_child))}
    ranking = sorted(
        (
            {"unit": units[path], "count": n, "url": _queue_url("overdue", unit=units[path].pk)}
            for path, n in by_child.items()
            if path in units
        ),
        key=lambda row: (-row["count"], row["unit"].path),
    )[:RANKED_UNITS]
    urgent = list(
        queue_cases(user, "urgent").select_related("category", "subcategory", "org")[:TOP]
    )
    # Her most overdue cases, one click each (most urgent, then most late, first).
    late = list(queue_cases(user, "overdue").select_related("category", "subcategory", "org")[:TOP])
    return {
        "overdue": case_rows(late, now),
        "overdue_count": overdue.count(),
        "overdue_url": _queue_url("overdue"),
        "approvals": approvals,
        "approvals_url": reverse("cases:extension_list"),
        "ranking": ranking,
        "own_overdue": own,
        "own_url": _queue_url("overdue", unit=user.home_unit_id),
        "urgent": case_rows(urgent, now),
        "urgent_count": queue_cases(user, "urgent").count(),
        "urgent_url": _queue_url("urgent"),
    }


# --- the hotline operator's ------------------------------------------------------------------


def hotline_panel(user) -> dict | None:
    """The registration page one key away, her calls today, the callbacks that are due."""
    if not (user.has_perm("cases.add_case") and user.has_perm("cases.dispatch_case")):
        return None
    if _agency_member(user):
        return None
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    visible = Case.objects.restrict(user, "view")
    calls = visible.filter(created_by_id=user.pk, received_at__gte=today).count()
    callbacks = visible.filter(status=choices.Status.RESOLVED, follow_up_due_at__lte=now)
    return {
        "calls_today": calls,
        "callbacks": callbacks.count(),
        "callbacks_url": _queue_url("follow_up"),
        "hotline_url": reverse("cases:hotline"),
    }


# --- the partner agency's ----------------------------------------------------------------------


def agency_panel(user) -> dict | None:
    """What was referred to her agency: the overdue unanswered first."""
    if not _agency_member(user):
        return None
    now = timezone.now()
    referrals = Referral.objects.restrict(user, "view")
    counts = referrals.aggregate(
        overdue=Count("pk", filter=Q(status=choices.ReferralStatus.SENT, due_at__lt=now)),
        waiting=Count("pk", filter=Q(status=choices.ReferralStatus.SENT)),
        open=Count(
            "pk",
            filter=Q(status__in=[choices.ReferralStatus.ACCEPTED, choices.ReferralStatus.REPORTED]),
        ),
    )
    top = list(
        referrals.filter(status=choices.ReferralStatus.SENT)
        .select_related("case", "case__category")
        .order_by("due_at", "pk")[:TOP]
    )
    return {
        **counts,
        "overdue_url": _referrals_url(tab="overdue"),
        "waiting_url": _referrals_url(tab="waiting"),
        "open_url": _referrals_url(tab="open"),
        "top": [{"referral": r, **_late(r.due_at, now)} for r in top],
    }


# --- figures below the work ----------------------------------------------------------------------


def figures_panel(user) -> dict | None:
    if _agency_member(user) or not user.has_perm("cases.view_case"):
        return None
    return {"cases": case_summary(user)}


def case_summary(user) -> dict:
    visible = Case.objects.restrict(user, "view")
    open_cases = visible.filter(status__in=choices.OPEN_STATUSES)
    figures = open_cases.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(due_state=choices.DueState.OVERDUE)),
        soon=Count("id", filter=Q(due_state=choices.DueState.SOON)),
        mine=Count("id", filter=Q(assigned_to=user)),
    )
    by_status = dict(visible.values_list("status").annotate(n=Count("id")).order_by())
    figures["by_status"] = [
        {"label": str(label), "count": by_status.get(value, 0)}
        for value, label in choices.Status.choices
    ]
    return figures


# --- sections of other pages ----------------------------------------------------------------


def person_cases(user, person) -> dict:
    """The appeals she made or is concerned in (the person page), scoped for ``user``."""
    from django.utils import timezone

    from .selectors import cases_for_person

    cases = list(cases_for_person(user, person)[:20])
    recent = [c for c in cases if (timezone.now() - c.received_at).days <= 30]
    return {"person_cases": cases, "person_cases_recent": len(recent)}


def case_referrals(user, case) -> dict:
    referrals = Referral.objects.restrict(user, "view").filter(case=case).select_related("agency")
    return {"referrals": list(referrals)}


def case_mediations(user, case) -> dict:
    return {"mediations": list(Mediation.objects.restrict(user, "view").filter(case=case))}


def case_attachments(user, case) -> dict:
    return {"attachments": list(Attachment.objects.restrict(user, "view").filter(case=case))}
