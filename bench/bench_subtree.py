"""Benchmark of the subtree lookup (``path__subtree``) on a tree of 700,000 units.

    python bench/bench_subtree.py [--units 700000] [--database-url URL] [--runs 50]

Without --database-url the bench uses its own SQLite file, var/bench/bench.sqlite3; with a
PostgreSQL URL it creates that database if it is missing. It migrates, generates the tree with
``manage.py demo_scale`` if fewer units exist under the bench root (code 98), then times a
subtree count and the first page of 50 rows (ordered by path) for a city-level and a
county-level unit, and prints each query's plan so you can see the path index at work.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_ROOT_CODE = "98"
PAGE = 50
WARMUP = 5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=700_000)
    parser.add_argument("--database-url", default="", help="postgres://… (default: SQLite file)")
    parser.add_argument("--runs", type=int, default=50)
    return parser.parse_args()


def ensure_postgres_database(url: str) -> None:
    """Create the bench database on the server if it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def setup_django(database_url: str) -> None:
    if database_url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(database_url)
    elif not database_url:
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{bench_dir / 'bench.sqlite3'}"
    # The test settings read DATABASE_URL and carry fixed throw-away keys: right for a bench.
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "jinguo.settings.test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(units: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from jinguo.orgs.models import OrgUnit

    call_command("migrate", verbosity=0)
    have = OrgUnit.objects.filter(path__subtree=f"{BENCH_ROOT_CODE}/").count()
    if have < units:
        print(f"generating {units:,} units under {BENCH_ROOT_CODE} (found {have:,}) …")
        call_command("demo_scale", units=units, root=BENCH_ROOT_CODE, replace=have > 0)
    # Fresh statistics (and, on PostgreSQL, a visibility map for index-only scans), as
    # autovacuum would have them on a server that has been running for a while.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE orgs_orgunit")
        else:
            cursor.execute("ANALYZE")
    total = OrgUnit.objects.count()
    print(f"{connection.vendor}: {total:,} units in the database")


def timed(fn, runs: int) -> tuple[float, float]:
    for _ in range(WARMUP):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def plan_of(fn) -> list[str]:
    """EXPLAIN of the (last) SQL statement ``fn`` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    statement = ctx.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN " + statement)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + statement)
        return [str(row[-1]) for row in cursor.fetchall()]


def index_line(plan: list[str]) -> str:
    for line in plan:
        if "orgs_unit_path_prefix" in line or "INDEX" in line.upper():
            return line.strip()
    return "NO INDEX USED: " + " | ".join(p.strip() for p in plan)


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    prepare(args.units)

    from jinguo.orgs.models import OrgUnit

    targets = [
        ("city", OrgUnit.objects.filter(path__subtree=f"{BENCH_ROOT_CODE}/", kind="city")),
        ("county", OrgUnit.objects.filter(path__subtree=f"{BENCH_ROOT_CODE}/", kind="county")),
    ]
    print(f"\n{'unit':<24}{'query':<18}{'rows':>9}{'median ms':>12}{'p95 ms':>10}")
    plans = []
    for label, candidates in targets:
        # The last one in path order: the worst case for a plan that walks an ordered index.
        unit = candidates.order_by("path").last()
        subtree = OrgUnit.objects.filter(path__subtree=unit.path)
        size = subtree.count()

        def count(subtree=subtree):
            return subtree.count()

        def first_page(subtree=subtree):
            return list(subtree.order_by("path")[:PAGE])

        for name, fn, rows in (
            ("count", count, size),
            (f"first {PAGE} rows", first_page, min(PAGE, size)),
        ):
            median, p95 = timed(fn, args.runs)
            print(f"{label + ' ' + unit.code:<24}{name:<18}{rows:>9,}{median:>12.2f}{p95:>10.2f}")
            plans.append((f"{label} {unit.code} {name}", plan_of(fn)))
    print("\nplans (the line naming the index):")
    for title, plan in plans:
        print(f"  {title}: {index_line(plan)}")


if __name__ == "__main__":
    main()
