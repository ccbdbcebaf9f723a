"""National-scale benchmark of the statistics (issue 12) on PostgreSQL.

    python bench/bench_national.py [--database-url URL] [--cases 10000000] [--communities 14]
                                   [--summary-depth 4] [--runs 15]
                                   [--only tree,cases,dashboard,report,transition]

Builds its own database (default postgres://postgres@127.0.0.1:5432/jinguo_bench_national):

* the tree: a national root (code 00, "全国妇联") above every real division of
  ``../shared/data/divisions/`` (31 provinces, 342 cities, 2,978 counties, 41,352 streets),
  and ``--communities`` generated communities under each street — 623,648 units at 14;
* ``--cases`` cases over ten years, spread over the counties, streets and communities by
  bench_cases.py's generator; they are inserted with the statistics triggers of the case
  table switched off and counted afterwards by ``stats_rebuild``'s own code (timed), which is
  how a national installation would load its history;
* the summary kept to ``--summary-depth`` levels (JINGUO_STATS_SUMMARY_DEPTH; 4 is nation,
  province, city and county), as a national installation would configure it: streets' and
  communities' figures are summed from the ledger (jinguo/stats/counts.py);

then prints, next to the bare summary SQL measured in the same run, the dashboard of the
national root, of a province, of a city, of a county, of a street and of a community for the
current year (the last two read from the ledger); the detail sheet
of the monthly rights report for a province (every unit under it a row, computed from the
summary and the ledger, and written to Excel); and the cost of keeping the summary on a case
transition (an update of the ledger and of the count rows of the kept ancestor levels).

Later runs reuse the tree and the cases. Figures only; no assertion.
"""

import argparse
import csv
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cases import bench_user, generate_cases
from bench_stats import bench_transition, measure_dashboard
from bench_subtree import ROOT, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jinguo_bench_national"
DIVISIONS = ROOT.parent / "shared" / "data" / "divisions"
NATIONAL = "00"
CASE_TRIGGERS = [f"stats_{op}_cases_case" for op in ("ins", "upd", "del")]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--communities", type=int, default=14, help="generated per street")
    parser.add_argument("--divisions", default=str(DIVISIONS))
    parser.add_argument("--summary-depth", type=int, default=4, help="0: every level")
    parser.add_argument("--work-mem", default="3GB", help="PostgreSQL work_mem of the recount")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--transitions", type=int, default=300)
    parser.add_argument("--only", default="tree,cases,dashboard,report,transition")
    parser.add_argument("--report-units", default="44,4401", help="codes, comma-separated")
    return parser.parse_args()


def read_divisions(folder: Path) -> list[tuple[str, str, str, str]]:
    """(code, name, parent code, kind) of every division, parents first."""
    files = [
        ("provinces.csv", "province", None),
        ("cities.csv", "city", "provinceCode"),
        ("areas.csv", "county", "cityCode"),
        ("streets.csv", "township", "areaCode"),
    ]
    out = []
    for name, kind, parent_column in files:
        with open(folder / name, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                parent = row[parent_column] if parent_column else NATIONAL
                out.append((row["code"], row["name"], parent, kind))
    return out


def build_tree(args) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from jinguo.orgs.models import OrgUnit

    call_command("migrate", verbosity=0)
    have = OrgUnit.objects.filter(path__subtree=f"{NATIONAL}/").count()
    divisions = read_divisions(Path(args.divisions))
    streets = sum(1 for d in divisions if d[3] == "township")
    wanted = 1 + len(divisions) + streets * args.communities
    if have >= wanted:
        print(f"tree: {have:,} units under {NATIONAL}/ (reused)")
        return
    if have:
        raise SystemExit(f"{have:,} units under {NATIONAL}/ but {wanted:,} wanted: drop the db")
    began = time.perf_counter()
    with transaction.atomic():
        root = OrgUnit.objects.create(
            code=NATIONAL,
            name="全国妇联（压测）",
            kind="province",
            level=0,
            path=f"{NATIONAL}/",
            division_version="bench",
        )
        known = {NATIONAL: (root.pk, root.path, root.level)}
        batch = []
        # Parents first, level by level: a level's ids are read back before its children.
        for kind in ("province", "city", "county", "township"):
            batch = [
                OrgUnit(
                    code=code,
                    name=name,
                    kind=kind,
                    level=known[parent][2] + 1,
                    parent_id=known[parent][0],
                    path=f"{known[parent][1]}{code}/",
                    division_version="2023",
                )
                for code, name, parent, k in divisions
                if k == kind and parent in known
            ]
            OrgUnit.objects.bulk_create(batch, batch_size=5000)
            for pk, code, path, level in OrgUnit.objects.filter(kind=kind).values_list(
                "pk", "code", "path", "level"
            ):
                known[code] = (pk, path, level)
            print(f"  {kind}: {len(batch):,}", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO orgs_orgunit (code, name, name_initials, short_name, kind, level,
                  parent_id, path, phone, address, is_active, division_version, created_at,
                  updated_at)
                SELECT s.code || lpad(k::text, 3, '0'), s.name || '第' || k || '社区妇联', '',
                       '', 'community', s.level + 1, s.id,
                       s.path || s.code || lpad(k::text, 3, '0') || '/', '', '', true, 'bench',
                       now(), now()
                FROM orgs_orgunit s, generate_series(1, %s) AS k
                WHERE s.kind = 'township' AND s.path LIKE %s
                """,
                [args.communities, f"{NATIONAL}/%"],
            )
            print(f"  community: {cursor.rowcount:,}", flush=True)
            cursor.execute("ANALYZE orgs_orgunit")
    total = OrgUnit.objects.filter(path__subtree=f"{NATIONAL}/").count()
    print(f"tree: {total:,} units in {time.perf_counter() - began:.0f} s", flush=True)


def load_cases(args) -> None:
    from django.db import connection

    from jinguo.cases.models import Case
    from jinguo.stats import maintenance, sources
    from jinguo.stats.models import StatsCount

    have = Case.objects.filter(number__startswith="B-").count()
    if have < args.cases:
        print(f"generating {args.cases - have:,} cases (found {have:,}) …", flush=True)
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for name in CASE_TRIGGERS:
                cursor.execute(f"ALTER TABLE cases_case DISABLE TRIGGER {name}")
        try:
            generate_cases(args.cases, have, root=NATIONAL, span=3620)
        finally:
            with connection.cursor() as cursor:
                for name in CASE_TRIGGERS:
                    cursor.execute(f"ALTER TABLE cases_case ENABLE TRIGGER {name}")
        print(f"cases generated in {time.perf_counter() - began:.0f} s", flush=True)
        StatsCount.objects.filter(source="cases.case").delete()
    if not StatsCount.objects.filter(source="cases.case").exists():
        with connection.cursor() as cursor:
            # The recount groups every record at each kept level in one statement: memory
            # for its hash table saves writing hundreds of millions of rows to disk to sort.
            cursor.execute("SELECT set_config('work_mem', %s, false)", [args.work_mem])
        for src in sources.sources():
            began = time.perf_counter()
            counted = maintenance.rebuild(src)
            print(
                f"rebuild {src.key}: {counted:,} records in {time.perf_counter() - began:.1f} s",
                flush=True,
            )
        with connection.cursor() as cursor:
            for table in ("cases_case", "stats_statscount", "stats_statsentry"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    rows = StatsCount.objects.filter(source="cases.case").count()
    print(f"{Case.objects.count():,} cases; {rows:,} count rows for cases.case", flush=True)


def bench_dashboards(args) -> None:
    from django.utils import timezone

    from jinguo.orgs.models import OrgUnit
    from jinguo.stats import periods

    year = periods.parse({"period": "year", "at": str(timezone.localdate().year)})[0]
    national = OrgUnit.objects.get(code=NATIONAL)
    # The province with the most units, a city and a county of about average size in it.
    province = OrgUnit.objects.get(code="44")  # 广东: 1,600+ streets
    city = OrgUnit.objects.get(code="4401")
    county = OrgUnit.objects.get(code="440106")
    street = OrgUnit.objects.filter(parent=county).order_by("code").first()
    community = OrgUnit.objects.filter(parent=street).order_by("code").first()
    for label, unit in (
        ("national", national),
        ("province", province),
        ("city", city),
        ("county", county),
        ("street", street),
        ("community", community),
    ):
        measure_dashboard(label, unit, year, args.runs)


def bench_report(args) -> None:
    """The detail sheet of the monthly rights report for a province: every unit a row."""
    from jinguo.orgs.models import OrgUnit
    from jinguo.stats import detail, reports_excel
    from jinguo.stats.models import ReportForm
    from jinguo.stats.services import reports as services

    form = ReportForm.objects.get(code="rights_monthly")
    for code in args.report_units.split(","):
        unit = OrgUnit.objects.get(code=code)
        user = bench_user(f"report_{code}", "leader", unit)
        period = services.last_closed_period(form)
        began = time.perf_counter()
        rows, totals = detail.detail(user, form, unit, period)
        computed = time.perf_counter() - began
        content = reports_excel.build(
            form=form,
            period=period,
            unit=unit,
            cells=services.cells_of(form),
            rows=[("\u3000" * (r.depth - 1) + r.name, r.values) for r in rows],
            totals=totals,
        )
        total = time.perf_counter() - began
        print(
            f"detail sheet {unit.name} {period.label}: {len(rows):,} units, figures "
            f"{computed:.1f} s, with the Excel ({len(content) / 1e6:.1f} MB) {total:.1f} s "
            f"(total received {totals.get('main.total')})",
            flush=True,
        )


def main() -> None:
    args = parse_args()
    os.environ["JINGUO_STATS_SUMMARY_DEPTH"] = str(args.summary_depth or "")
    setup_django(args.database_url)
    steps = args.only.split(",")
    if "tree" in steps:
        build_tree(args)
    if "cases" in steps:
        load_cases(args)
    if "dashboard" in steps:
        bench_dashboards(args)
    if "report" in steps:
        bench_report(args)
    if "transition" in steps:
        bench_transition(args)


if __name__ == "__main__":
    main()
