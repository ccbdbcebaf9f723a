"""Benchmark of the places coverage statistic: a province of N units (target: 100,000 units,
coverage ≤ 1 s).

    python bench/bench_places.py [--units 100000] [--database-url URL] [--runs 10]

Generates the tree with ``demo_scale`` under code 98 (reused by later runs), gives about 70 %
of townships and villages a place of a few kinds (one INSERT … SELECT, a share failing the
standard), then times ``places.selectors.coverage`` for the province, by city, at both
levels (townships; villages and communities), as a provincial leader. Median and p95 over
--runs runs, after warm-up. Default database: a SQLite file under var/bench/.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_subtree import BENCH_ROOT_CODE, prepare, setup_django, timed

KINDS = ["womens_home", "rights_station", "childrens_home", "family_education"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="postgres://… (default: SQLite file)")
    parser.add_argument("--runs", type=int, default=10)
    return parser.parse_args()


def make_places(root) -> int:
    """About 70 % of (township or community, kind) pairs get a place, a quarter of them failing
    the standard: one INSERT … SELECT over the units and kinds, chosen by a fixed arithmetic
    hash of the ids (the same on SQLite and PostgreSQL, the same on every run)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from jinguo.orgs.choices import UnitKind
    from jinguo.places.defaults import load_defaults
    from jinguo.places.models import Place

    load_defaults()
    existing = Place.objects.filter(org_path__subtree=root.path)
    if existing.exists():
        return existing.count()
    empty_address = Place._meta.get_field("address").get_db_prep_save("", connection)
    now = timezone.now()
    kinds_in = ", ".join(["%s"] * len(KINDS))
    sql = f"""
        INSERT INTO places_place (org_id, org_path, kind_id, name, address, opening_hours,
            phone, volunteers, is_public, is_active, meets_standard, created_at, updated_at)
        SELECT u.id, u.path, k.id, '阵地' || u.id || '-' || k.id, %s, '', '', '', FALSE, TRUE,
               ((u.id * 31 + k.id * 17) %% 100) < 75, %s, %s
        FROM orgs_orgunit u CROSS JOIN places_placekind k
        WHERE u.path LIKE %s AND u.kind IN (%s, %s) AND k.code IN ({kinds_in})
          AND ((u.id * 7919 + k.id * 104729) %% 100) < 70
    """
    params = [empty_address, now, now, root.path + "%", UnitKind.TOWNSHIP, UnitKind.COMMUNITY]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, *KINDS])
        return cursor.rowcount


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    from django.db import connection

    from jinguo.accounts.models import Role, User
    from jinguo.accounts.services import ensure_default_roles
    from jinguo.orgs.models import OrgUnit
    from jinguo.places.choices import CoverageLevel
    from jinguo.places.selectors import coverage

    prepare(args.units)
    root = OrgUnit.objects.get(code=BENCH_ROOT_CODE)
    total = OrgUnit.objects.filter(path__subtree=root.path).count()
    places = make_places(root)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ensure_default_roles()
    user, _created = User.objects.get_or_create(
        username="bench_places_leader", defaults={"home_unit": root, "real_name": "省妇联领导"}
    )
    user.roles.add(Role.objects.get(code="leader"))
    print(f"{connection.vendor}: {total:,} units, {places:,} places")
    for level in (CoverageLevel.TOWNSHIP, CoverageLevel.COMMUNITY):
        fresh = User.objects.get(pk=user.pk)
        result = coverage(fresh, root, level)
        median, p95 = timed(
            lambda level=level: coverage(User.objects.get(pk=user.pk), root, level), args.runs
        )
        kind = result.kinds[0]
        cell = result.total.cells[kind.pk]
        print(
            f"coverage {level:<9} {len(result.rows)} cities, {kind.name} {cell.covered:,}/"
            f"{cell.total:,}: median {median:.0f} ms, p95 {p95:.0f} ms (target ≤ 1000 ms)"
        )


if __name__ == "__main__":
    main()
