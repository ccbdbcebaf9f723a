"""Benchmark of the roster (任职名册): filtered and paginated, server time.

    python bench/bench_cadres.py [--database-url URL] [--positions 20000] [--runs 30]

Builds (once; later runs reuse it) a small tree under code 97 — a city, 10 districts, 10
streets each, 10 communities each (1,111 units) — with persons and positions spread over
the communities (one in six ended, for history), then times a district leader's roster:
restrict() + PositionFilterSet (current term, her district's subtree, executive members) +
the count and the first page of 25, and the same list through the test client (page
render included). The issue's target is ≤ 100 ms for 1,000,000 positions on PostgreSQL;
the default here is small (20,000) to spare a shared machine: pass --positions to scale.

Default database: SQLite at var/bench/bench_cadres.sqlite3; pass a postgres:// URL (created
if missing) for PostgreSQL.
"""

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_subtree import ROOT, setup_django, timed

ROOT_CODE = "97"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--positions", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    return parser.parse_args()


def unit(code, name, kind, parent):
    from jinguo.orgs.models import OrgUnit

    return OrgUnit(
        code=code,
        name=name,
        kind=kind,
        level=(parent.level + 1) if parent else 2,
        parent=parent,
        path=f"{parent.path if parent else ''}{code}/",
    )


def build(positions: int):
    from jinguo.cadres.defaults import ensure_defaults
    from jinguo.cadres.models import Position, PositionType
    from jinguo.orgs.models import OrgUnit
    from jinguo.people.models import Person

    ensure_defaults()
    city = OrgUnit.objects.filter(code=ROOT_CODE).first()
    if city is None:
        city = unit(ROOT_CODE, "基准市妇联", "city", None)
        city.save()
        for d in range(10):
            district = unit(f"{ROOT_CODE}{d:02d}", f"基准{d}区妇联", "county", city)
            district.save()
            for s in range(10):
                street = unit(f"{district.code}{s:03d}", f"基准街道{d}-{s}", "township", district)
                street.save()
                OrgUnit.objects.bulk_create(
                    unit(f"{street.code}{c:03d}", f"基准社区{d}-{s}-{c}", "community", street)
                    for c in range(10)
                )
    have = Position.objects.filter(org_path__subtree=city.path).count()
    if have >= positions:
        return city
    communities = list(OrgUnit.objects.filter(path__subtree=city.path, kind="community"))
    types = list(PositionType.objects.all())
    missing = positions - have
    print(f"generating {missing:,} positions under {ROOT_CODE} …", flush=True)
    started = time.perf_counter()
    batch = 5000
    for offset in range(0, missing, batch):
        n = min(batch, missing - offset)
        persons = Person.objects.bulk_create(
            Person(
                org=communities[(offset + i) % len(communities)],
                org_path=communities[(offset + i) % len(communities)].path,
                name=f"基准{offset + i}",
                gender="F",
                birth_date=date(1960 + (offset + i) % 40, 1, 1),
            )
            for i in range(n)
        )
        Position.objects.bulk_create(
            Position(
                org=p.org,
                org_path=p.org_path,
                person=p,
                position_type=types[(offset + i) % len(types)],
                started_on=date(2021, 6, 1),
                ended_on=date(2026, 5, 31) if (offset + i) % 6 == 0 else None,
            )
            for i, p in enumerate(persons)
        )
    print(f"  … {time.perf_counter() - started:.1f} s", flush=True)
    return city


def main():
    args = parse_args()
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, RequestFactory

    from jinguo.accounts.services import ensure_default_roles
    from jinguo.cadres.filtersets import PositionFilterSet
    from jinguo.cadres.selectors import roster_queryset
    from jinguo.orgs.models import OrgUnit
    from jinguo.testing.factories import grant, user_with_role

    call_command("migrate", verbosity=0)
    ensure_default_roles()
    city = build(args.positions)
    district = OrgUnit.objects.filter(parent=city).order_by("-code").first()
    from jinguo.accounts.models import User

    leader = User.objects.filter(username="bench_cadres_leader").first() or user_with_role(
        city, "leader", username="bench_cadres_leader", real_name="基准领导"
    )
    # A bench database made before the app was installed has the leader role without it.
    if not leader.has_perm("cadres.view_position"):
        grant(leader, "cadres.view_position")
    leader = User.objects.get(pk=leader.pk)
    query = {"unit": str(district.pk), "executive": "true", "state": "current"}

    request = RequestFactory().get("/cadres/roster/")
    request.user = leader

    def roster():
        fs = PositionFilterSet(query, queryset=roster_queryset(leader), request=request)
        qs = fs.qs
        return qs.count(), list(qs.order_by("org_path", "position_type__sort", "id")[:25])

    count, rows = roster()
    median, p95 = timed(roster, args.runs)
    print(
        f"{connection.vendor}: {args.positions:,} positions; district roster of executive "
        f"members, current term: {count:,} rows, first page {len(rows)}"
    )
    print(f"  count + first page (ORM): median {median:.1f} ms, p95 {p95:.1f} ms")

    from jinguo.cadres.selectors import roster_summary

    def summary():
        fs = PositionFilterSet(query, queryset=roster_queryset(leader), request=request)
        return roster_summary(fs.qs)

    median, p95 = timed(summary, args.runs)
    print(f"  the roster's figures (summary cards): median {median:.1f} ms, p95 {p95:.1f} ms")

    client = Client()
    client.force_login(leader)
    url = "/cadres/roster/?" + "&".join(f"{k}={v}" for k, v in query.items())
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    median, p95 = timed(lambda: client.get(url), max(5, args.runs // 3))
    print(f"  the page through the test client: median {median:.1f} ms, p95 {p95:.1f} ms")
    print(f"(database: {args.database_url or ROOT / 'var/bench/bench.sqlite3'})")


if __name__ == "__main__":
    sys.exit(main())
