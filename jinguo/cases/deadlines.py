"""Deadlines of cases and referrals from DeadlinePolicy rows, in hours, calendar days or
working days (jinguo.core.workdays). Never raises for a year without holiday data.

CONTRACT:
- policy_for(case) -> DeadlinePolicy
- apply_deadlines(case, *, now=None) -> list[str]   sets decide/finish/follow_up/due_at and
  due_state on ``case`` (no save) and returns the changed field names
- referral_due_at(referral_or_case, sent_at) -> datetime
- sweep(*, now=None) -> dict   marks soon-due and overdue cases, notifies owners and leaders
"""
