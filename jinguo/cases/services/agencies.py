"""Partner agencies and their users.

CONTRACT:
- agency_create(*, user, org, name, kind, contact_name="", contact_phone="", address="",
  services="") -> Agency
- agency_update(*, user, agency, **same fields) -> Agency
- agency_user_create(*, user, agency, username, real_name, password, phone="") -> User
    (needs core.manage_users; the new account gets the shipped "partner" role, the agency's
    unit as home unit, and an AgencyMember row)
- agency_member_remove(*, user, member) -> None (deactivates nothing; ends the membership)
"""
