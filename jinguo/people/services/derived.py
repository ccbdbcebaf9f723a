"""Values a person's record derives from what was typed: pinyin, search text, indexes, sensitivity.

Shared by every path that writes persons (forms, API, import, merge) so that they can never
disagree. ``person_fill_derived`` does not save; ``person_refresh_sensitivity`` does.
"""

from django.utils import timezone

from jinguo.core import crypto
from jinguo.core.pinyin import name_initials, name_pinyin
from jinguo.core.search import build_search_text

from ..models import Consent, ContactAssignment, Household, Person, PersonTag, Visit

DERIVED_FIELDS = [
    "name_pinyin",
    "name_initials",
    "search_text",
    "id_number_index",
    "phone_index",
    "phone2_index",
]


def id_number_index(id_type: str, number: str) -> str:
    return crypto.blind_index(f"{id_type}:{number}", "person.id_number") if number else ""


def phone_index(phone: str) -> str:
    return crypto.blind_index(phone, "person.phone") if phone else ""


def person_fill_derived(person: Person) -> Person:
    person.name = (person.name or "").strip()
    person.name_pinyin = name_pinyin(person.name)
    person.name_initials = name_initials(person.name)
    person.search_text = build_search_text(person.name, person.name_pinyin, person.notes)
    person.id_number_index = id_number_index(person.id_type, person.id_number)
    person.phone_index = phone_index(person.phone)
    person.phone2_index = phone_index(person.phone2)
    return person


def person_is_sensitive(person: Person) -> bool:
    """Minors and anyone holding an active sensitive tag (e.g. a violence survivor)."""
    if person.is_minor:
        return True
    if person.pk is None:
        return False
    return PersonTag.objects.filter(
        person=person, ended_on__isnull=True, tag_type__sensitive=True
    ).exists()


def person_refresh_sensitivity(person: Person) -> bool:
    """Recompute the flag and copy it to the records hanging off the person."""
    sensitive = person_is_sensitive(person)
    if sensitive != person.is_sensitive:
        person.is_sensitive = sensitive
        Person.objects.filter(pk=person.pk).update(
            is_sensitive=sensitive, updated_at=timezone.now()
        )
    for model in (PersonTag, Visit, Consent, ContactAssignment):
        model.objects.filter(person=person).exclude(is_sensitive=sensitive).update(
            is_sensitive=sensitive
        )
    household_ids = list(person.memberships.values_list("household_id", flat=True))
    for household in Household.objects.filter(pk__in=household_ids):
        household_refresh_sensitivity(household)
    return sensitive


def household_refresh_sensitivity(household: Household) -> bool:
    sensitive = Person.objects.filter(memberships__household=household, is_sensitive=True).exists()
    if sensitive != household.is_sensitive:
        household.is_sensitive = sensitive
        Household.objects.filter(pk=household.pk).update(is_sensitive=sensitive)
    for model in (Visit, ContactAssignment):
        model.objects.filter(household=household).exclude(is_sensitive=sensitive).update(
            is_sensitive=sensitive
        )
    return sensitive
