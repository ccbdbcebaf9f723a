"""Factories of the places tests.

``kind(code)`` a shipped kind (loaded if missing); ``make_place(unit, kind="womens_home")`` a
place stored directly (no audit row); ``meet(place)`` checks every item of its standard as met.
Use the services when the test is about them."""

import itertools

from django.utils import timezone

from jinguo.places.defaults import load_defaults
from jinguo.places.models import Place, PlaceCheck, PlaceKind
from jinguo.places.services import refresh_standard

_n = itertools.count(1)
SECRET_ADDRESS = "春晖路77号后院"


def kind(code: str = "womens_home") -> PlaceKind:
    load_defaults()
    return PlaceKind.objects.get(code=code)


def make_place(unit, *, kind_code="womens_home", staff=(), **kw) -> Place:
    place = Place.objects.create(
        org=unit,
        kind=kw.pop("kind", None) or kind(kind_code),
        name=kw.pop("name", f"阵地{next(_n)}"),
        address=kw.pop("address", "芳草路1号"),
        phone=kw.pop("phone", "0512-66668888"),
        opening_hours=kw.pop("opening_hours", "周一至周五 9:00-17:00"),
        **kw,
    )
    place.staff.set(staff)
    return place


def meet(place, *, met=True, on=None) -> Place:
    on = on or timezone.localdate()
    for item in place.kind.items.filter(is_active=True):
        PlaceCheck.objects.update_or_create(
            place=place, item=item, defaults={"met": met, "checked_on": on}
        )
    Place.objects.filter(pk=place.pk).update(last_checked_on=on)
    refresh_standard([place.pk])
    place.refresh_from_db()
    return place
