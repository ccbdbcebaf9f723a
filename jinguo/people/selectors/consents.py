"""Whether a recorded consent covers a purpose for a person."""

from datetime import date

from django.db.models import Q
from django.utils import timezone

from ..choices import ConsentPurpose
from ..models import Consent, Person


def consent_allows(person: Person, purpose: str, *, on: date | None = None) -> bool:
    """Whether a valid consent covers ``purpose`` for ``person`` on ``on`` (default today).

    Sharing with any partner needs an explicit consent given on or before that day and not
    withdrawn. Processing is presumed lawful without a consent record only for an adult
    whose record is not sensitive and who has not withdrawn a processing consent: the
    federation then processes under its statutory duties (PIPL art. 13(3)). Sensitive
    information (violence, health, minors — PIPL arts. 28–31) always needs a recorded
    consent, given by a guardian for a child under 14.
    """
    on = on or timezone.localdate()
    consents = Consent.objects.filter(person=person, purpose=purpose, given_on__lte=on)
    if consents.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)).exists():
        return True
    if purpose != ConsentPurpose.PROCESSING:
        return False
    if person.is_sensitive or person.is_minor:
        return False
    return not consents.filter(withdrawn_on__lte=on).exists()
