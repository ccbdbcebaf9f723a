"""The cases figures of the 工作台: counts over what the user may see, by status and due state.

Read straight from the case rows through restrict(); the statistics issue will move the
roll-ups to summary tables.
"""

from django.db.models import Count, Q

from . import choices
from .models import AgencyMember, Case, Referral


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
