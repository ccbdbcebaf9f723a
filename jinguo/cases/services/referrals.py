"""Referrals to partner agencies.

CONTRACT:
- agencies_for(user) -> QuerySet[Agency]: active agencies the user may refer to (kept by her
  home unit, an ancestor of it, or a unit below it).
- referral_create(*, user, case, agency, request, share_identity=True) -> Referral
    Checks the consent of each victim/complainant on file for agency.consent_purpose when
    share_identity; a missing consent is a ValidationError naming what is missing.
- referral_accept(*, user, referral, note="") -> Referral          (agency member)
- referral_decline(*, user, referral, reason) -> Referral          (agency member)
- referral_report(*, user, referral, report) -> Referral           (agency member)
- referral_close(*, user, referral, note="") -> Referral           (agency member or case worker)
- referral_withdraw(*, user, referral, reason) -> Referral         (case worker)
- referral_urge(*, user, referral) -> Referral   (overdue only; urge_count += 1, event)
- referral_allowed_actions(user, referral) -> set[str] of: accept decline report close
  withdraw urge
"""
