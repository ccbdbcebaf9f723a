"""manage.py demo_people_scale --persons N [--root 98] [--replace] [--skip-encryption]

Generates N fictional persons for benchmarks, spread over the community units under ``--root``
(a tree made by ``demo_scale``; by default 98 if it exists, else the demo city 9901). Names,
pinyin and birth dates follow a realistic skew, so same-name-same-birthday candidates exist;
every person has her pinyin, initials, search text and blind indexes filled exactly as
``person_fill_derived`` would (cached per distinct name, which is where the time goes).

Rows go in with PostgreSQL COPY or SQLite ``executemany`` — not the ORM — because a million
model instances cost minutes; ID numbers, phones and addresses are still encrypted per row
unless ``--skip-encryption`` leaves them empty (their blind indexes are always filled).
"""

import random
import time
from datetime import date, timedelta
from functools import cache

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from jinguo.core import crypto
from jinguo.core.identity import check_char
from jinguo.core.pinyin import name_initials, name_pinyin
from jinguo.core.search import build_search_text
from jinguo.demo.people_data import FEMALE_GIVEN, MALE_GIVEN, SURNAMES
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.people import choices
from jinguo.people.models import (
    Consent,
    ContactAssignment,
    Household,
    HouseholdMember,
    Person,
    PersonTag,
    Visit,
)
from jinguo.people.services.derived import id_number_index, phone_index

ROADS = "人民 解放 建设 中山 长江 黄河 和平 幸福 文化 健康 青年 新华 东风 胜利 光明 迎宾".split()  # noqa: SIM905
# Real province/city prefixes for the ID digits only (IDs must pass GB 11643 checks); the
# demo registry uses 3205xx, so scale data (3301xx–3311xx) never collides with it.
AREAS = [f"33{c:02d}{d:02d}" for c in range(1, 12) for d in (2, 3, 4, 21, 22)]


@cache
def derived_for(name: str) -> tuple[str, str, str]:
    pinyin = name_pinyin(name)
    return pinyin, name_initials(name), build_search_text(name, pinyin)


def random_birth(rng: random.Random, today: date) -> date:
    bucket = rng.random()
    if bucket < 0.15:
        age_days = rng.randrange(0, 18 * 365)
    elif bucket < 0.75:
        age_days = rng.randrange(18 * 365, 60 * 365)
    else:
        age_days = rng.randrange(60 * 365, 95 * 365)
    return today - timedelta(days=age_days)


class Generator:
    """Rows of Person column values, in the order of ``columns``."""

    def __init__(self, rng: random.Random, units: list[tuple[int, str, str]], encrypt: bool):
        self.rng = rng
        self.units = units
        self.encrypt = encrypt
        self.today = timezone.localdate()
        self.now = timezone.now()
        names, weights = zip(*SURNAMES, strict=True)
        self.surnames = rng.choices(names, weights=weights, k=200_000)
        self.sequence: dict[tuple[str, date, str], int] = {}
        self.columns = [f.column for f in Person._meta.concrete_fields if f.column != "id"]

    def _id_number(self, birth: date, gender: str) -> str:
        area = self.rng.choice(AREAS)
        key = (area, birth, gender)
        n = self.sequence.get(key, 0)
        self.sequence[key] = n + 1
        if n >= 500:
            return ""
        order = n * 2 + (1 if gender == "M" else 0)  # odd for men, even for women
        body = f"{area}{birth:%Y%m%d}{order:03d}"
        return body + check_char(body)

    def row(self, i: int) -> tuple:
        rng = self.rng
        gender = "F" if rng.random() < 0.85 else "M"
        name = self.surnames[i % len(self.surnames)] + rng.choice(
            FEMALE_GIVEN if gender == "F" else MALE_GIVEN
        )
        birth = random_birth(rng, self.today)
        pinyin, initials, search_text = derived_for(name)
        unit_pk, unit_path, unit_name = self.units[rng.randrange(len(self.units))]
        number = self._id_number(birth, gender) if rng.random() < 0.92 else ""
        id_type = choices.IdType.RESIDENT if number else choices.IdType.NONE
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if rng.random() < 0.9 else ""
        address = f"{unit_name.removesuffix('妇联')}{rng.choice(ROADS)}路{rng.randint(1, 300)}号"
        minor = (self.today.year - birth.year) - (
            (self.today.month, self.today.day) < (birth.month, birth.day)
        ) < 18
        seal = crypto.encrypt if self.encrypt else (lambda _value: "")
        values = {
            "org_id": unit_pk,
            "org_path": unit_path,
            "name": name,
            "name_pinyin": pinyin,
            "name_initials": initials,
            "gender": gender,
            "birth_date": birth,
            "ethnicity": "汉族",
            "nationality": "中国",
            "id_type": id_type,
            "id_number": seal(number) if number else "",
            "id_number_index": id_number_index(id_type, number),
            "phone": seal(phone) if phone else "",
            "phone_index": phone_index(phone),
            "phone2": "",
            "phone2_index": "",
            "address": seal(address),
            "registration": choices.Registration.LOCAL
            if rng.random() < 0.8
            else choices.Registration.FLOATING,
            "origin_place": "",
            "marital_status": choices.MaritalStatus.UNKNOWN,
            "education": choices.Education.UNKNOWN,
            "employment": choices.Employment.UNKNOWN,
            "disability": choices.Disability.NONE,
            "health_notes": "",
            "living_situation": choices.LivingSituation.WITH_FAMILY,
            "notes": "",
            "is_sensitive": minor,
            "search_text": search_text,
            "merged_into_id": None,
            "is_active": True,
            "version": 1,
            "created_by_id": None,
            "created_at": self.now,
            "updated_at": self.now,
        }
        return tuple(values[c] for c in self.columns)


class Command(BaseCommand):
    help = "Generate N fictional persons under a demo_scale tree (or the demo city) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=100_000)
        parser.add_argument("--root", default="", help="unit code (default: 98, else 9901)")
        parser.add_argument(
            "--replace", action="store_true", help="delete the root's persons first"
        )
        parser.add_argument("--skip-encryption", action="store_true")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch-size", type=int, default=10_000)

    def handle(self, *args, persons, root, replace, skip_encryption, seed, batch_size, **options):
        started = time.monotonic()
        root_unit = self.find_root(root)
        units = list(
            OrgUnit.objects.filter(
                path__subtree=root_unit.path, kind=UnitKind.COMMUNITY
            ).values_list("pk", "path", "name")
        ) or [(root_unit.pk, root_unit.path, root_unit.name)]
        existing = Person.objects.filter(org_path__subtree=root_unit.path).count()
        if existing and not replace:
            raise CommandError(
                f"{existing:,} persons already exist under {root_unit.code}; add --replace."
            )
        if existing:
            self.delete_under(root_unit.path)
            self.stdout.write(f"deleted {existing:,} persons under {root_unit.code}")
        generator = Generator(random.Random(seed), units, encrypt=not skip_encryption)
        table = connection.ops.quote_name(Person._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in generator.columns)
        done = 0
        while done < persons:
            size = min(batch_size, persons - done)
            rows = [generator.row(done + i) for i in range(size)]
            with transaction.atomic():
                self.insert(table, columns, generator.columns, rows)
            done += size
            if done % (batch_size * 10) == 0 or done == persons:
                self.stdout.write(f"  {done:,} persons ({time.monotonic() - started:.1f} s)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + table if connection.vendor == "postgresql" else "ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"generated {persons:,} persons over {len(units):,} units under "
                f"{root_unit.code} in {time.monotonic() - started:.1f} s"
                + (" (ID, phone and address left empty)" if skip_encryption else "")
            )
        )

    def find_root(self, code: str) -> OrgUnit:
        for candidate in [code] if code else ["98", "9901"]:
            unit = OrgUnit.objects.filter(code=candidate).first()
            if unit is not None:
                return unit
        raise CommandError(
            "no root unit: run `manage.py demo_scale` or `manage.py demo` first, or pass --root"
        )

    def delete_under(self, path: str) -> None:
        for model in (PersonTag, Consent, Visit, ContactAssignment):
            model.objects.filter(org_path__subtree=path).delete()
        HouseholdMember.objects.filter(person__org_path__subtree=path).delete()
        Household.objects.filter(org_path__subtree=path).delete()
        Person.objects.filter(org_path__subtree=path)._raw_delete(connection.alias)

    def insert(self, table: str, columns: str, names: list[str], rows: list[tuple]) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg 3: COPY is several times faster than INSERT
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(names))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
