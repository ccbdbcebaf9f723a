"""What the cases app shows on other pages: its 工作台 figures and its sections of the person
and case pages (registered in contrib.py), each read through restrict().

Read straight from the case rows through restrict(); the statistics issue will move the
roll-ups to summary tables.
"""

from django.db.models import Count, Q

from . import choices
from .models import AgencyMember, Attachment, Case, Mediation, Referral


def home_panel(user) -> dict | None:
    figures = case_summary(user)
    return None if figures is None else {"cases": figures}


def case_summary(user) -> dict | None:
    if AgencyMember.objects.filter(user_id=user.pk).exists():
        referrals = Referral.objects.restrict(user, "view")
        return {
            "agency": True,
            "referrals_waiting": referrals.filter(status=choices.ReferralStatus.SENT).count(),
            "referrals_open": referrals.filter(
                status__in=[choices.ReferralStatus.ACCEPTED, choices.ReferralStatus.REPORTED]
            ).count(),
        }
    if not user.has_perm("cases.view_case"):
        return None
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
    figures["agency"] = False
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
