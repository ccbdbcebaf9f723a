"""Intake: registering an appeal from any channel, editing it, its parties and notes.

CONTRACT (implemented by the workflow owner; other code may rely on these signatures):
- case_create(*, user, channel, summary, category, narrative="", subcategory=None,
  gbv_type="", urgency="normal", received_at=None, complainant=None,
  new_complainant=None, anonymous=False, caller_phone="", parties=(), org=None,
  involves_minor=False, client_reference="") -> Case
    new_complainant: {"name", "gender", "phone", "id_number", "birth_date"} creates a Person
    in ``org`` through the people services; parties: [{"person", "role", "description"}].
    Raises ValidationError({field: message}) in Chinese. Gives the number, sensitivity,
    repeat flag (same complainant or caller phone within 30 days), deadlines; the creator
    gets a view share; event REGISTERED; audit "create".
- case_create_idempotent(**same kwargs, client_reference required) -> tuple[Case, bool]
    The same (user, client_reference) twice returns the first case and False.
- case_update(*, user, case, version, summary, narrative, category, subcategory, gbv_type,
  urgency, involves_minor) -> Case  (ConflictError when ``version`` is stale)
- party_add(*, user, case, role, person=None, description="") -> CaseParty
- party_remove(*, user, party) -> None
- case_add_note(*, user, case, note) -> CaseEvent
"""
