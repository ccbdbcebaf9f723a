"""Benchmark of the statistics on PostgreSQL: dashboards over a large tree, and what keeping
the summary costs a case transition.

    python bench/bench_stats.py [--database-url URL] [--units 30000] [--cases 500000] [--runs 9]

Builds its own database (default postgres://postgres@127.0.0.1:5432/jinguo_bench_stats) with
bench_cases.py's generators (a generated tree under 98, cases spread over it by one INSERT …
SELECT per batch), rebuilds the summary from them (timed), then prints, median and p95:

* the dashboard (every figure, breakdown, child ranking and source total a leader sees) of the
  root unit, a unit one level down ("city") and a county, for a year, next to the bare
  summary SQL measured in the same run: (a) one ``sum(n)`` of the unit's rows of the year and
  (b) the very statements the dashboard ran, replayed through a bare cursor — the ratio
  dashboard / (b) is what Python, the ORM and the page's logic add to the summary's SQL;
* a case transition (status saved through the ORM) with the summary kept in its transaction
  by the triggers, against the same transition with the table's triggers switched off.

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
    from jinguo.stats.models import StatsCount, StatsEntry

    prepare_tree(args)
    have = Case.objects.filter(number__startswith="B-").count()
    if have < args.cases:
        print(f"generating {args.cases - have:,} cases (found {have:,}) …", flush=True)
        generate_cases(args.cases, have)
    counted = StatsEntry.objects.filter(source="cases.case").count()
    if (
        counted != Case.objects.filter(received_at__isnull=False).count()
        or not StatsCount.objects.filter(source="cases.case").exists()
    ):
        for src in sources.sources():
            began = time.perf_counter()
            counted = maintenance.rebuild(src)
            print(f"rebuild {src.key}: {counted:,} records in {time.perf_counter() - began:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE stats_statscount")
        cursor.execute("VACUUM ANALYZE stats_statsentry")
    rows = StatsCount.objects.filter(source="cases.case").count()
    print(f"{Case.objects.count():,} cases; {rows:,} count rows for cases.case")


def bench_dashboards(args) -> None:
    from django.utils import timezone

    from jinguo.orgs.models import OrgUnit
    from jinguo.stats import periods

    year = periods.parse({"period": "year", "at": str(timezone.localdate().year)})[0]
    root = OrgUnit.objects.get(code=BENCH_ROOT_CODE)
    below = OrgUnit.objects.filter(path__subtree=root.path).order_by("path")
    city = below.filter(level=root.level + 1)[0]
    county = below.filter(level=root.level + 2)[0]
    for label, unit in (("root", root), ("city", city), ("county", county)):
        measure_dashboard(label, unit, year, args.runs)


def _median_p95(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[
        min(len(samples) - 1, round(0.95 * (len(samples) - 1)))
    ]


def measure_dashboard(label: str, unit, period, runs: int) -> dict:
    """Times the dashboard of ``unit`` for a leader there, beside (a) one summary sum and
    (b) the dashboard's own statements replayed bare; prints and returns the figures."""
    from django.db import connection
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext

    from jinguo.orgs.models import OrgUnit
    from jinguo.stats import dashboard as board
    from jinguo.stats.models import StatsCount

    user = bench_user(f"stats_{label}", "leader", unit)
    size = OrgUnit.objects.filter(path__subtree=unit.path).count()

    def dash():
        return board.dashboard(user, unit, period)

    def bare():
        return StatsCount.objects.filter(
            source="cases.case",
            unit_path=unit.path,
            dim=0,
            month__gte=period.start,
            month__lt=period.end,
        ).aggregate(n=Sum("n"))["n"]

    dash()  # warm: what the dashboard keeps between calls (labels, permissions) is read now
    with CaptureQueriesContext(connection) as captured:
        dash()
    statements = [q["sql"] for q in captured.captured_queries]

    def replay():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    # The dashboard and its bare statements alternate, so that both meet the same machine
    # (a background vacuum, another process) and the ratio compares like with like.
    def once(fn) -> float:
        began = time.perf_counter()
        fn()
        return (time.perf_counter() - began) * 1000

    replay()
    d_samples, r_samples = [], []
    for _ in range(runs):
        d_samples.append(once(dash))
        r_samples.append(once(replay))
    d_med, d_p95 = _median_p95(d_samples)
    r_med, r_p95 = _median_p95(r_samples)
    b_med, _b_p95 = timed(bare, runs)
    print(
        f"dashboard {label} ({unit.name}, {size:,} units, {bare() or 0:,} cases in the period): "
        f"median {d_med:.1f} ms p95 {d_p95:.1f} ms, {len(statements)} queries | "
        f"(a) one summary sum median {b_med:.2f} ms | (b) its {len(statements)} statements "
        f"bare median {r_med:.2f} ms p95 {r_p95:.2f} ms | ratio to (b) {d_med / r_med:.2f}×",
        flush=True,
    )
    return {"median": d_med, "p95": d_p95, "sum": b_med, "bare": r_med}


def bench_transition(args) -> None:
    from django.db import connection, transaction

    from jinguo.cases.models import Case

    ids = list(
        Case.objects.filter(number__startswith="B-")
        .order_by("?")
        .values_list("pk", flat=True)[: args.transitions]
    )
    statuses = ["accepted", "assigned", "in_progress", "resolved"]

    def run(offset: int) -> list[float]:
        """Each run moves every case to another status than the run before (a save that
        leaves the counted columns as they were is not a transition the summary sees)."""
        samples, whole = [], []
        for i, pk in enumerate(ids):
            case = Case.objects.get(pk=pk)
            case.status = statuses[(i + offset) % len(statuses)]
            began = time.perf_counter()
            with transaction.atomic():
                case.save(update_fields=["status", "updated_at"])
                # The statement and its triggers; the commit and what runs after it (the
                # warning rules' check) are the same either way and only add noise.
                samples.append((time.perf_counter() - began) * 1000)
            whole.append((time.perf_counter() - began) * 1000)
        wholes.append(statistics.median(whole))
        return samples

    wholes: list[float] = []

    run(0)  # warm-up: the same cases' pages in cache for both measured runs
    with_stats = run(1)
    with connection.cursor() as cursor:
        for op in ("ins", "upd", "del"):
            cursor.execute(f"ALTER TABLE cases_case DISABLE TRIGGER stats_{op}_cases_case")
    try:
        without = run(2)
        # Put the statuses back as the summary counted them (after run 1), triggers still
        # off, so the bench leaves the summary equal to the records (stats_check passes).
        for i, pk in enumerate(ids):
            Case.objects.filter(pk=pk).update(status=statuses[(i + 1) % len(statuses)])
    finally:
        with connection.cursor() as cursor:
            for op in ("ins", "upd", "del"):
                cursor.execute(f"ALTER TABLE cases_case ENABLE TRIGGER stats_{op}_cases_case")
    a, b = statistics.median(with_stats), statistics.median(without)
    print(
        f"case transition ({len(ids)} saves): the save's statements with summary median "
        f"{a:.2f} ms, without {b:.2f} ms → summary maintenance {a - b:.2f} ms per transition "
        f"(whole save with commit and its after-commit checks: median {wholes[1]:.1f} ms)"
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
