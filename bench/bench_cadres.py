"""Benchmark of the roster (任职名册) of a province: filtered and paginated, server time.

    python bench/bench_cadres.py [--database-url URL] [--positions 1000000] [--runs 30]

PostgreSQL only (the data is made by set-based SQL: INSERT … SELECT generate_series); the
default database is jinguo_bench_cadres on the local server, created if missing. Builds once
(later runs reuse it) a province under code 97 — 10 cities, 10 districts each, 10 streets
each, 10 communities each (11,111 units) — and ``--positions`` positions spread over the
streets and communities (one in six ended, for history; persons one per position, a tenth
holding two). Then, for the province's leader, times:

- the roster as the page reads it: restrict() + PositionFilterSet + the page's capped count
  (selectors.CappedPaginator) + one page of 25 rows, for the whole province, its executive
  members, a city's executive members on page 3, and a district's (fewer rows than the
  cap, so counted exactly);
- the whole page through the test client (middleware, template, table);
- the figures fragment (roster_summary: exact totals, sex, age bands, education, grid share),
  which the page loads in its own request;
- the API list (/api/cadres/positions/, the same capped count).

The issue's target: a province's roster (1,000,000 positions) filtered and paginated in
≤ 100 ms server time.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_subtree import setup_django, timed

ROOT_CODE = "97"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jinguo_bench_cadres"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--positions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    return parser.parse_args()


# A province under code 97: 10 cities, 10 districts each, 10 streets each, 10 communities
# each (11,111 units), with the statistical codes' lengths (2, 4, 6, 9, 12).
LEVELS = [("city", 3, 2), ("county", 4, 2), ("township", 5, 3), ("community", 6, 3)]


def build_tree(cursor) -> None:
    cursor.execute(
        "INSERT INTO orgs_orgunit (code, name, short_name, kind, level, path, phone, address,"
        " is_active, division_version, created_at, updated_at, parent_id, name_initials)"
        " VALUES (%s, '基准省妇联', '', 'province', 2, %s, '', '', true, '', now(), now(),"
        " NULL, '')",
        [ROOT_CODE, f"{ROOT_CODE}/"],
    )
    parent_len = len(ROOT_CODE)
    for kind, level, digits in LEVELS:
        # Ten children for every unit of the level above, in one statement per level.
        cursor.execute(
            f"""
            INSERT INTO orgs_orgunit (code, name, short_name, kind, level, path, phone, address,
                is_active, division_version, created_at, updated_at, parent_id, name_initials)
            SELECT p.code || lpad(n::text, {digits}, '0'),
                   '基准' || %s || p.code || lpad(n::text, {digits}, '0'),
                   '', %s, %s, p.path || p.code || lpad(n::text, {digits}, '0') || '/',
                   '', '', true, '', now(), now(), p.id, ''
            FROM orgs_orgunit p CROSS JOIN generate_series(0, 9) AS n
            WHERE p.path LIKE %s AND length(p.code) = %s
            """,
            [kind, kind, level, f"{ROOT_CODE}/%", parent_len],
        )
        parent_len += digits


def build(positions: int):
    """The province and ``positions`` positions (one in six ended; persons one per position,
    a tenth of them holding two), all with set-based SQL."""
    from django.db import connection, transaction

    from jinguo.cadres.defaults import ensure_defaults
    from jinguo.cadres.models import Position
    from jinguo.orgs.models import OrgUnit

    ensure_defaults()
    province = OrgUnit.objects.filter(code=ROOT_CODE).first()
    if province is None:
        with transaction.atomic(), connection.cursor() as cursor:
            build_tree(cursor)
        province = OrgUnit.objects.get(code=ROOT_CODE)
    have = Position.objects.filter(org_path__subtree=province.path).count()
    if have >= positions:
        return province
    missing = positions - have
    persons = max(1, missing * 9 // 10)
    print(f"generating {missing:,} positions ({persons:,} persons) under {ROOT_CODE} …", flush=True)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_units ON COMMIT DROP AS"
            " SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, path FROM orgs_orgunit"
            " WHERE path LIKE %s AND kind IN ('community', 'township')",
            [f"{ROOT_CODE}/%"],
        )
        cursor.execute("SELECT count(*) FROM bench_units")
        units = cursor.fetchone()[0]
        cursor.execute(
            "CREATE TEMP TABLE bench_types ON COMMIT DROP AS"
            " SELECT row_number() OVER (ORDER BY sort, id) - 1 AS k, id FROM cadres_positiontype"
        )
        cursor.execute("SELECT count(*) FROM bench_types")
        types = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM people_person")
        first_person = cursor.fetchone()[0] + 1
        cursor.execute(
            """
            INSERT INTO people_person (org_path, name, name_pinyin, name_initials, gender,
                birth_date, ethnicity, nationality, id_type, id_number, id_number_index, phone,
                phone_index, phone2, phone2_index, address, registration, origin_place,
                marital_status, education, employment, disability, health_notes,
                living_situation, notes, is_sensitive, search_text, is_active, version,
                created_at, updated_at, org_id)
            SELECT u.path, '基准' || g, 'jizhun' || g, 'jz', CASE WHEN g %% 10 = 0 THEN 'M' ELSE 'F' END,
                   date '1960-01-01' + (g %% 14600), '', '', '', '', '', '', '', '', '', '', '',
                   '', '', (ARRAY['primary','junior','senior','college','bachelor',''])[1 + g %% 6],
                   '', '', '', '', '', false, '', true, 0, now(), now(), u.id
            FROM generate_series(%s, %s) AS g JOIN bench_units u ON u.k = g %% %s
            """,
            [first_person, first_person + persons - 1, units],
        )
        cursor.execute(
            """
            INSERT INTO cadres_position (org_path, employment, started_on, ended_on, helps_with,
                public_contact, note, created_at, org_id, person_id, position_type_id)
            SELECT p.org_path, '', date '2021-06-01',
                   CASE WHEN g %% 6 = 0 THEN date '2026-05-31' END, '', '', '', now(), p.org_id,
                   p.id, t.id
            FROM generate_series(0, %s) AS g
            JOIN people_person p ON p.id = %s + g %% %s
            JOIN bench_types t ON t.k = g %% %s
            """,
            [missing - 1, first_person, persons, types],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person")
        cursor.execute("ANALYZE cadres_position")
        cursor.execute("ANALYZE orgs_orgunit")
    print(f"  … {time.perf_counter() - started:.1f} s", flush=True)
    return province


def report(label: str, fn, runs: int) -> None:
    median, p95 = timed(fn, runs)
    load = os.getloadavg()[0]
    print(f"  {label}: median {median:.1f} ms, p95 {p95:.1f} ms (load {load:.2f})", flush=True)


def main():
    args = parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench_cadres needs PostgreSQL (--database-url postgres://…)")
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.test import Client, RequestFactory
    from rest_framework.test import APIClient

    from jinguo.accounts.models import User
    from jinguo.accounts.services import ensure_default_roles
    from jinguo.cadres.filtersets import PositionFilterSet
    from jinguo.cadres.selectors import CappedPaginator, roster_queryset
    from jinguo.orgs.models import OrgUnit
    from jinguo.testing.factories import user_with_role

    call_command("migrate", verbosity=0)
    ensure_default_roles()
    province = build(args.positions)
    city = OrgUnit.objects.filter(parent=province).order_by("code").first()
    district = OrgUnit.objects.filter(parent=city).order_by("code").first()
    leader = User.objects.filter(username="bench_cadres_province").first() or user_with_role(
        province, "leader", username="bench_cadres_province", real_name="基准省领导"
    )
    leader = User.objects.get(pk=leader.pk)
    request = RequestFactory().get("/cadres/roster/")
    request.user = leader
    print(f"postgresql: {args.positions:,} positions under {province.name}, load {os.getloadavg()}")

    cases = [
        ("province, current term", {"state": "current"}, 1),
        ("province, executive members", {"state": "current", "executive": "true"}, 1),
        (
            "a city's executive members, page 3",
            {"state": "current", "executive": "true", "unit": str(city.pk)},
            3,
        ),
        (
            "a district's executive members (under the cap: an exact count)",
            {"state": "current", "executive": "true", "unit": str(district.pk)},
            1,
        ),
    ]
    client = Client()
    client.force_login(leader)
    api = APIClient()
    api.force_authenticate(leader)
    for label, query, page_number in cases:
        print(f"{label} {query}")

        def roster(query=query, page_number=page_number):
            fs = PositionFilterSet(query, queryset=roster_queryset(leader), request=request)
            qs = fs.qs.order_by("org_path", "position_type__sort", "id")
            paginator = CappedPaginator(qs, 25)
            page = paginator.page(page_number)
            return paginator.count, list(page.object_list)

        count, rows = roster()
        print(f"  rows counted (capped): {count}, page {page_number}: {len(rows)} rows")
        report("count + page (ORM)", roster, args.runs)
        url = "/cadres/roster/?" + "&".join(
            f"{k}={v}" for k, v in {**query, "page": page_number}.items()
        )
        assert client.get(url).status_code == 200
        report("the page through the test client", lambda url=url: client.get(url), args.runs)
        summary = "/cadres/roster/summary/?" + "&".join(f"{k}={v}" for k, v in query.items())
        assert client.get(summary).status_code == 200
        report("the figures fragment", lambda u=summary: client.get(u), max(3, args.runs // 10))
        api_url = "/api/cadres/positions/?" + "&".join(f"{k}={v}" for k, v in query.items())
        assert api.get(api_url).status_code == 200
        report("the API list (capped count)", lambda u=api_url: api.get(u), max(5, args.runs // 3))
    print(f"(database: {args.database_url})")


if __name__ == "__main__":
    sys.exit(main())
