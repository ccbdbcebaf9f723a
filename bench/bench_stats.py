"""Benchmark of the statistics on PostgreSQL: dashboards over a large tree, and what keeping
the summary costs a case transition.

    python bench/bench_stats.py [--database-url URL] [--units 30000] [--cases 500000] [--runs 9]

Builds its own database (default postgres://postgres@127.0.0.1:5432/jinguo_bench_stats) with
bench_cases.py's generators (a generated tree under 98, cases spread over it by one INSERT …
SELECT per batch), rebuilds the summary from them (timed), then prints, median and p95:

* the dashboard (every figure, breakdown, child ranking and source total a leader sees) of the
  root unit and of a county, for a year, next to the bare summary query — one
  ``sum(n)`` over the subtree's rows of the year — measured in the same run;
* a case transition (status saved through the ORM) with the summary kept in its transaction,
  against the same transition with the statistics triggers and signals switched off.

Later runs reuse the generated tree and cases. Figures only; no assertion.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cases import BENCH_ROOT_CODE, bench_user, generate_cases, prepare_tree
from bench_subtree import setup_django, timed

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jinguo_bench_stats"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--transitions", type=int, default=300)
    parser.add_argument("--only", default="dashboard,transition")
    return parser.parse_args()


def prepare(args) -> None:
    from django.db import connection

    from jinguo.cases.models import Case
    from jinguo.stats import maintenance, sources
    from jinguo.stats.models import StatsDirty, StatsRow

    prepare_tree(args)
    have = Case.objects.filter(number__startswith="B-").count()
    if have < args.cases:
        print(f"generating {args.cases - have:,} cases (found {have:,}) …", flush=True)
        generate_cases(args.cases, have)
    if StatsDirty.objects.exists() or not StatsRow.objects.filter(source="cases.case").exists():
        StatsDirty.objects.all().delete()
        for src in sources.sources():
            began = time.perf_counter()
            counted = maintenance.rebuild(src)
            print(f"rebuild {src.key}: {counted:,} records in {time.perf_counter() - began:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE stats_statsrow")
        cursor.execute("VACUUM ANALYZE stats_statsentry")
    rows = StatsRow.objects.filter(source="cases.case").count()
    print(f"{Case.objects.count():,} cases; {rows:,} summary rows for cases.case")


def bench_dashboards(args) -> None:
    from django.db.models import Sum
    from django.utils import timezone

    from jinguo.orgs.models import OrgUnit
    from jinguo.stats import dashboard as board
    from jinguo.stats import periods
    from jinguo.stats.models import StatsRow

    year = periods.parse({"period": "year", "at": str(timezone.localdate().year)})[0]
    root = OrgUnit.objects.get(code=BENCH_ROOT_CODE)
    county = OrgUnit.objects.filter(path__subtree=root.path, level=root.level + 2).order_by("path")[
        0
    ]
    for label, unit in (("root", root), ("county", county)):
        user = bench_user(f"stats_{label}", "leader", unit)
        size = OrgUnit.objects.filter(path__subtree=unit.path).count()

        def dash(user=user, unit=unit):
            return board.dashboard(user, unit, year)

        def bare(unit=unit):
            return StatsRow.objects.filter(
                source="cases.case",
                org_path__subtree=unit.path,
                day__gte=year.start,
                day__lt=year.end,
            ).aggregate(n=Sum("n"))["n"]

        d_med, d_p95 = timed(dash, args.runs)
        b_med, b_p95 = timed(bare, args.runs)
        print(
            f"dashboard {label} ({unit.name}, {size:,} units, {bare():,} cases this year): "
            f"median {d_med:.1f} ms p95 {d_p95:.1f} ms | bare summary query median "
            f"{b_med:.2f} ms p95 {b_p95:.2f} ms | ratio {d_med / b_med:.1f}×"
        )


def bench_transition(args) -> None:
    from django.db import connection, transaction
    from django.db.models.signals import post_save

    from jinguo.cases.models import Case
    from jinguo.stats import signals

    ids = list(
        Case.objects.filter(number__startswith="B-")
        .order_by("?")
        .values_list("pk", flat=True)[: args.transitions]
    )
    statuses = ["accepted", "assigned", "in_progress", "resolved"]

    def run() -> list[float]:
        samples = []
        for i, pk in enumerate(ids):
            case = Case.objects.get(pk=pk)
            case.status = statuses[i % len(statuses)]
            began = time.perf_counter()
            with transaction.atomic():
                case.save(update_fields=["status", "updated_at"])
            samples.append((time.perf_counter() - began) * 1000)
        return samples

    run()  # warm-up: the same cases' pages in cache for both measured runs
    with_stats = run()
    handler = signals._connected[Case]
    post_save.disconnect(handler, sender=Case, dispatch_uid="stats:cases.case")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_case DISABLE TRIGGER USER")
    try:
        without = run()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE cases_case ENABLE TRIGGER USER")
        post_save.connect(handler, sender=Case, weak=False, dispatch_uid="stats:cases.case")
    a, b = statistics.median(with_stats), statistics.median(without)
    print(
        f"case transition ({len(ids)} saves): with summary median {a:.2f} ms, without "
        f"{b:.2f} ms → summary maintenance {a - b:.2f} ms per transition"
    )


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    prepare(args)
    if "dashboard" in args.only:
        bench_dashboards(args)
    if "transition" in args.only:
        bench_transition(args)


if __name__ == "__main__":
    main()
