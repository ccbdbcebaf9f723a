"""Benchmark of the searchable unit picker (``orgs.selectors.unit_search``) on a large tree.

    python bench/bench_unit_search.py [--units 45000] [--database-url URL] [--runs 50]

Uses the same database and generated tree as bench_subtree.py (root code 98), then times, for
a user at the root, a search by pinyin initials (an indexed prefix look-up on
``name_initials``) and by a part of a Chinese name (a scan of the scoped communities and grids
that stops at 20 rows), and prints each query's plan.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_subtree import (
    BENCH_ROOT_CODE,
    index_line,
    parse_args,
    plan_of,
    prepare,
    setup_django,
    timed,
)


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    prepare(args.units)

    from jinguo.orgs import selectors
    from jinguo.orgs.models import OrgUnit

    scoped = OrgUnit.objects.filter(
        path__subtree=f"{BENCH_ROOT_CODE}/", kind__in=["community", "grid"], is_active=True
    )
    total = scoped.count()
    sample = scoped.order_by("path").last()
    initials = sample.name_initials[:3]
    part = sample.name[:2]
    print(f"\n{total:,} communities and grids under {BENCH_ROOT_CODE}; searching as a user there")
    print(f"{'query':<28}{'rows':>6}{'median ms':>12}{'p95 ms':>10}")
    plans = []
    for label, query in (
        (f"initials {initials!r}", initials),
        (f"name part {part!r}", part),
        ("initials, no match 'zzzq'", "zzzq"),
        ("name part, no match '无此'", "无此"),
    ):

        def run(query=query):
            return selectors.unit_search(scoped, query)

        median, p95 = timed(run, args.runs)
        print(f"{label:<28}{len(run()):>6}{median:>12.2f}{p95:>10.2f}")
        plans.append((label, plan_of(run)))
    print("\nplans:")
    for title, plan in plans:
        print(f"  {title}: {index_line(plan)}")


if __name__ == "__main__":
    main()
