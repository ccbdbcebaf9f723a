"""Reads of the cases app.

CONTRACT:
- visible_cases(user, action="view") -> QuerySet[Case]
- QUEUES: ordered dict name -> label: mine, unassigned, due_soon, overdue, sensitive, all
- queue_cases(user, name) -> QuerySet[Case]
- queue_counts(user) -> dict[name, int]
- cases_by_phone(user, phone) -> QuerySet[Case]  (caller phone or complainant's phone)
- persons_by_phone(user, phone) -> QuerySet[Person]
- case_timeline(case) -> QuerySet[CaseEvent]
- pass_down_targets(user, case), transfer_targets(user, case) -> QuerySet[OrgUnit]
- assignable_workers(user, case) -> QuerySet[User]
"""
