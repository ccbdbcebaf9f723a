"""States and transitions of a case.

CONTRACT (each takes keyword arguments, returns the updated Case unless said otherwise, raises
ValidationError with a Chinese message for a forbidden transition, ConflictError for a stale
``version`` when one is given, and writes a CaseEvent + audit row):
- case_accept(*, user, case, note="", version=None)            registered → accepted
- case_decline(*, user, case, reason, version=None)            registered → declined
- case_assign(*, user, case, worker, note="", version=None)    accepted/assigned/in_progress → assigned
- case_start(*, user, case, version=None)                      assigned → in_progress
- case_resolve(*, user, case, outcome, outcome_note, version=None)  in_progress → resolved
- case_follow_up(*, user, case, satisfaction, result, note="") -> FollowUp
      resolved → closed (result closed/unreachable) | in_progress (reopened) | escalated
- case_close(*, user, case, note)                              resolved → closed
- case_reopen(*, user, case, reason)                           closed/declined → in_progress/registered
- case_pass_down(*, user, case, unit, note="")                 to a unit below the owner
- case_escalate(*, user, case, note="")                        to the owner's parent
- case_transfer(*, user, case, unit, note)                     to any other unit
- extension_request(*, user, case, days, reason) -> Extension
- extension_decide(*, user, extension, approve, note="") -> Extension
- allowed_actions(user, case) -> set[str] of: accept decline assign start note resolve
  follow_up close reopen pass_down escalate transfer request_extension approve_extension
  refer mediate attach edit print
"""
