"""Benchmarks of the person registry over 1,000,000 persons.

    python bench/bench_people.py [--database-url URL] [--persons 1000000] [--only dup,list,import]

(a) ``dup``: the duplicate-candidate look-up the create form runs for a new person
    (``jinguo.people.selectors.persons.likely_duplicates``: same name pinyin + birth date, or same
    phone blind index), median over 200 look-ups; target ≤ 20 ms on PostgreSQL.
(b) ``import``: validating and inserting a 100,000-row xlsx file through
    ``jinguo.people.services.importing``; target ≤ 60 s on SQLite. Run inside a transaction
    that is rolled back, so the bench can be repeated.
(c) ``list``: the person list of a district user — ``person_list_queryset`` (restrict) +
    ``PersonFilterSet`` (female, aged 18–60) + the default order + the first page of 25 +
    the count — and the whole page through the test client; target median ≤ 100 ms.

Without --database-url the bench uses its own SQLite file, var/bench/people.sqlite3; with a
PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/jinguo_bench_people) it creates the
database if missing. The first run builds a 30,000-unit tree under code 98 (``demo_scale``)
and the persons (``demo_people_scale``); later runs reuse them.
"""

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_subtree import ROOT, setup_django, timed

BENCH_ROOT_CODE = "98"
PAGE = 25


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="postgres://… (default: SQLite file)")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--import-runs", type=int, default=1, help="timed imports for (b)")
    parser.add_argument("--runs", type=int, default=200, help="look-ups for (a); 50 for (c)")
    parser.add_argument("--list-runs", type=int, default=50, help="timed runs for (c)")
    parser.add_argument("--only", default="dup,list,import")
    return parser.parse_args()


def prepare(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from jinguo.orgs.models import OrgUnit
    from jinguo.people.models import Person

    call_command("migrate", verbosity=0)
    units = OrgUnit.objects.filter(path__subtree=f"{BENCH_ROOT_CODE}/").count()
    if units < args.units:
        if units and Person.objects.filter(org_path__subtree=f"{BENCH_ROOT_CODE}/").exists():
            call_command("demo_people_scale", persons=0, root=BENCH_ROOT_CODE, replace=True)
        print(f"generating {args.units:,} units under {BENCH_ROOT_CODE} …")
        call_command("demo_scale", units=args.units, root=BENCH_ROOT_CODE, replace=units > 0)
    have = Person.objects.filter(org_path__subtree=f"{BENCH_ROOT_CODE}/").count()
    if have < args.persons:
        print(f"generating {args.persons:,} persons (found {have:,}) …")
        call_command(
            "demo_people_scale", persons=args.persons, root=BENCH_ROOT_CODE, replace=have > 0
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE people_person")
        else:
            cursor.execute("ANALYZE")
    print(f"{connection.vendor}: {Person.objects.count():,} persons in the database")


def district_user(role: str = "rights_officer", username: str = "bench_district"):
    """A district (county) officer of the last county in path order, with a shipped role."""
    from jinguo.accounts.models import Role, User
    from jinguo.accounts.services import ensure_default_roles
    from jinguo.orgs.models import OrgUnit

    ensure_default_roles()
    county = (
        OrgUnit.objects.filter(path__subtree=f"{BENCH_ROOT_CODE}/", kind="county")
        .order_by("path")
        .last()
    )
    user, _created = User.objects.get_or_create(
        username=username, defaults={"real_name": "区妇联干部", "home_unit": county}
    )
    if user.home_unit_id != county.pk:
        user.home_unit = county
        user.save()
    user.roles.set([Role.objects.get(code=role)])
    give_shares(user)
    return User.objects.get(pk=user.pk)


def give_shares(user, count: int = 5) -> None:
    """A few persons elsewhere shared with the user, as assignments and referrals leave them."""
    from django.contrib.contenttypes.models import ContentType

    from jinguo.core.models import Share
    from jinguo.people.models import Person

    content_type = ContentType.objects.get_for_model(Person)
    if Share.objects.filter(user=user, content_type=content_type).exists():
        return
    others = Person.objects.exclude(org_path__startswith=user.home_path).values_list(
        "pk", flat=True
    )
    for action in ("view", "change"):
        Share.objects.bulk_create(
            Share(
                content_type=content_type,
                object_id=pk,
                user=user,
                action=action,
                reason="bench: referral",
            )
            for pk in others[:count]
        )


def plan_of(fn) -> list[str]:
    """EXPLAIN of every SQL statement ``fn`` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plans.append([row[0] for row in cursor.fetchall()])
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plans.append([str(row[-1]) for row in cursor.fetchall()])
    return plans


def print_plans(title: str, plans: list[list[str]]) -> None:
    print(f"\n  plans — {title}:")
    for i, plan in enumerate(plans, start=1):
        print(f"   query {i}:")
        for line in plan[:14]:
            print(f"     {line}")


def bench_duplicates(args, user) -> None:
    from jinguo.people.models import Person
    from jinguo.people.selectors.persons import likely_duplicates

    rng = random.Random(7)
    # A random sample without ORDER BY random() over a million rows.
    max_id = Person.objects.order_by("-id").values_list("id", flat=True).first()
    picks = [rng.randint(1, max_id) for _ in range(args.runs * 2)]
    ids = list(Person.objects.filter(pk__in=picks).values_list("name", "birth_date"))[: args.runs]
    lookups = [
        (name, birth, f"13{rng.randrange(10**9):09d}") for name, birth in ids
    ]  # a new phone number: the realistic case
    found = calls = 0

    def one():
        nonlocal found, calls
        name, birth, phone = lookups[calls % len(lookups)]
        calls += 1
        result = likely_duplicates(user, name=name, birth_date=birth, phone=phone)
        found += bool(result)

    median, p95 = timed(one, len(lookups))
    print(
        f"\n(a) likely_duplicates over {len(lookups)} look-ups "
        f"(a name + birth date that exists, a new phone): median {median:.2f} ms, "
        f"p95 {p95:.2f} ms — target ≤ 20 ms"
    )
    print(f"    calls that found candidates: {found} of {calls}")
    print_plans("likely_duplicates", plan_of(one))


def bench_list(args, user, label: str) -> None:
    from django.test import Client, RequestFactory

    from jinguo.core.scoping import grants_changed
    from jinguo.people.filtersets.persons import PersonFilterSet
    from jinguo.people.selectors.persons import person_list_queryset

    params = {"gender": "F", "age_min": "18", "age_max": "60"}
    request = RequestFactory().get("/people/persons/", params)
    request.user = user

    def query():
        grants_changed()  # a request reads the user's shares once: time that read too
        filterset = PersonFilterSet(params, queryset=person_list_queryset(user), request=request)
        qs = filterset.qs.order_by("name_pinyin", "id")
        total = qs.count()
        page = list(qs[:PAGE])
        return total, page

    total, _page = query()
    median, p95 = timed(query, args.list_runs)
    print(
        f"\n(c) person list, {label} ({user.home_unit.code}, {total:,} matching persons): "
        f"queryset count + first {PAGE}: median {median:.2f} ms, p95 {p95:.2f} ms"
    )
    client = Client()
    client.force_login(user)

    def page():
        response = client.get("/people/persons/", params)
        assert response.status_code == 200, response.status_code

    median, p95 = timed(page, args.list_runs)
    print(
        f"    whole page through the test client (middleware, filters, table, template): "
        f"median {median:.2f} ms, p95 {p95:.2f} ms — target ≤ 100 ms"
    )
    print_plans(f"list {label}", plan_of(query))


def make_import_file(path: Path, rows: int, units: list[str]) -> None:
    from openpyxl import Workbook

    from jinguo.core.identity import check_char
    from jinguo.demo.people_data import FEMALE_GIVEN, SURNAMES
    from jinguo.people.services.importing import HEADERS

    rng = random.Random(11)
    # County codes that exist (安徽/江苏), so no row needs the unknown-area confirmation.
    from jinguo.core.identity import area_is_known

    bench_areas = [
        a
        for a in (f"34{c:02d}{d:02d}" for c in range(1, 18) for d in (2, 3, 4, 21, 22))
        if area_is_known(a)
    ] or ["110105"]
    surnames = [s for s, _w in SURNAMES]
    tags = ["", "", "", "", "留守妇女", "单亲母亲", "贫困母亲", "残疾妇女、两癌患病妇女"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员档案")
    sheet.append(HEADERS)
    today = date.today()
    seq: dict[tuple[str, date], int] = {}
    for i in range(rows):
        birth = today - timedelta(days=rng.randrange(20 * 365, 70 * 365))
        area = rng.choice(bench_areas)
        n = seq.get((area, birth), 0)
        seq[(area, birth)] = n + 1
        body = f"{area}{birth:%Y%m%d}{n * 2 % 1000:03d}"
        sheet.append(
            [
                rng.choice(surnames) + rng.choice(FEMALE_GIVEN),
                "女",
                birth.isoformat() if i % 2 else birth,
                "汉族",
                "居民身份证",
                body + check_char(body),
                f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                "",
                f"演示路 {rng.randint(1, 999)} 号",
                "本地户籍",
                "",
                "已婚",
                "初中",
                "务农",
                "无",
                "与家人同住",
                rng.choice(units),
                rng.choice(tags),
                "",
            ]
        )
    workbook.save(path)


def bench_import(args, user) -> None:
    from jinguo.orgs.models import OrgUnit

    units = list(
        OrgUnit.objects.filter(path__subtree=user.home_path, kind="community").values_list(
            "code", flat=True
        )
    )
    cache = ROOT / "var" / "bench" / f"people-import-{args.import_rows}.xlsx"
    if not cache.exists():
        started = time.perf_counter()
        make_import_file(cache, args.import_rows, units)
        print(f"\n    generated {cache.name} in {time.perf_counter() - started:.1f} s")
    for run in range(1, args.import_runs + 1):
        import_once(
            args, user, cache, f" (run {run} of {args.import_runs})" * (args.import_runs > 1)
        )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_once(args, user, cache: Path, label: str) -> None:
    from django.db import connection, transaction

    from jinguo.people.models import PersonImport
    from jinguo.people.services.importing import import_persons

    work = Path(tempfile.mkdtemp()) / "import.xlsx"
    shutil.copy(cache, work)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with transaction.atomic():
        job = PersonImport.objects.create(
            user=user, file_name=cache.name, stored_path=str(work), total_rows=args.import_rows
        )
        started, cpu, helper = time.perf_counter(), time.process_time(), children_cpu()
        outcome = import_persons(user, work, file_name=cache.name, job=job)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        helper = children_cpu() - helper  # the process that parses the sheet
        transaction.set_rollback(True)  # leave the bench database as it was
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    work.unlink(missing_ok=True)
    print(
        f"\n(b) import of {args.import_rows:,} rows on {connection.vendor}{label}: {elapsed:.1f} s "
        f"({outcome.created:,} persons, {outcome.tags:,} tags, {outcome.errors} errors, "
        f"{outcome.warnings} likely-duplicate warnings) — target ≤ 60 s; "
        f"CPU {cpu:.1f} s + {helper:.1f} s in the sheet-reading process; "
        f"peak RSS {max(peak, before) / 1024:.0f} MB"
    )
    if outcome.errors:
        for issue in outcome.issues[:5]:
            print("    ", issue)


def main() -> None:
    args = parse_args()
    if not args.database_url:
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        args.database_url = f"sqlite:///{bench_dir / 'people.sqlite3'}"
    os.environ.setdefault("JINGUO_MEDIA_ROOT", str(ROOT / "var" / "bench" / "media"))
    setup_django(args.database_url)
    prepare(args)
    only = set(args.only.split(","))
    officer = district_user()
    if "dup" in only:
        bench_duplicates(args, officer)
    if "list" in only:
        bench_list(args, officer, "district rights officer (view_sensitive)")
        chair = district_user("community_chair", "bench_district_chair")
        bench_list(args, chair, "district user without view_sensitive")
    if "import" in only:
        bench_import(args, officer)


if __name__ == "__main__":
    main()
