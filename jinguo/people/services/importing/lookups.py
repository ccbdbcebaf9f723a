"""What the row checks look up in the registry, a few queries per batch of rows: the units
behind the codes, ID numbers already on file, and records with the same name pinyin and birth
date. Look-ups of many values go in chunks, each one statement."""

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from django.db import connection, models
from django.db.models.expressions import RawSQL

from jinguo.orgs.models import OrgUnit

from ...models import Person
from ..persons import placeable_units

LOOKUP_CHUNK = 200  # (pinyin, birth date) pairs per OR query: well inside SQLite's limits


class UnitCodes(NamedTuple):
    found: dict[str, OrgUnit]  # code → unit, whoever's it is
    placeable: set[str]  # codes she may file persons with (placeable_units)
    visible: set[str]  # codes in her own subtree she may see, placeable or not


def units_by_code(user, codes: list[str]) -> UnitCodes:
    found = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    placeable = set(placeable_units(user).filter(code__in=codes).values_list("code", flat=True))
    # Narrowed to her subtree as placeable_units is: a unit shared with her elsewhere is still
    # not hers to file persons with, so it gets the "not there, or not hers" answer.
    visible = set(
        OrgUnit.objects.restrict(user, "view")
        .filter(code__in=codes, path__subtree=user.home_path)
        .values_list("code", flat=True)
    )
    return UnitCodes(found, placeable, visible)


def filed_id_numbers(indexes: list[str]) -> Iterator[tuple[str, int, bool]]:
    """(ID blind index, pk, is_active) of the unmerged records holding one of these IDs."""
    for i in range(0, len(indexes), LOOKUP_CHUNK * 2):
        chunk = indexes[i : i + LOOKUP_CHUNK * 2]
        yield from Person.objects.filter(
            id_number_index__in=chunk, merged_into__isnull=True
        ).values_list("id_number_index", "pk", "is_active")


def same_pinyin_and_birth(pairs: list[tuple[str, date]]) -> Iterator[tuple[int, str, date, str]]:
    """(pk, name pinyin, birth date, ID blind index) of active records matching a pair."""
    for i in range(0, len(pairs), LOOKUP_CHUNK):
        yield from Person.objects.filter(
            _any_pair(pairs[i : i + LOOKUP_CHUNK]), is_active=True, merged_into__isnull=True
        ).values_list("pk", "name_pinyin", "birth_date", "id_number_index")


def visible_person_ids(user, pks: set[int]) -> set[int]:
    return set(
        Person.objects.restrict(user, "view").filter(pk__in=pks).values_list("pk", flat=True)
    )


def _any_pair(pairs: list[tuple[str, date]]) -> RawSQL:
    """(name_pinyin = … AND birth_date = …) OR …, as Q objects would give it.

    Each pair is one probe of people_person_dup. Built as text because combining and
    compiling 200 Q objects per look-up cost more than running the query.
    """
    quote = connection.ops.quote_name
    one = f"({quote('name_pinyin')} = %s AND {quote('birth_date')} = %s)"
    adapt = connection.ops.adapt_datefield_value
    params = [value for pinyin, birth in pairs for value in (pinyin, adapt(birth))]
    condition = " OR ".join([one] * len(pairs))
    return RawSQL(condition, params, output_field=models.BooleanField())  # noqa: S611 - values are params
