"""Benchmark of the early-warning sweep (维权预警) on PostgreSQL.

    python bench/bench_protection.py [--database-url URL] [--persons 1000000] [--cases 2000000]

Builds (once; later runs reuse it) a 30,000-unit tree under code 98 and the persons
(bench_people's generators), the cases (bench_cases' INSERT … SELECT generate_series), then
in proportion: complainants on the violence cases, risk assessments for 10 % of the persons
(a quarter of them assessed twice), protection orders for 1 %, breaches, follow-up plans and
protective visits (due, done, missed). Then it times:

(a) the full sweep (every rule over everything; the alerts of an earlier run are deleted and
    the watermarks cleared first) — target ≤ 60 s;
(b) a second sweep with nothing changed — target ≤ 5 s — and checks it raised and resolved
    nothing;
(c) a district leader's warning list (restrict() + AlertFilterSet + the work order, count and
    first page of 25) and the page through the test client — target median ≤ 100 ms.

The bench database (default postgres://postgres@127.0.0.1:5432/jinguo_bench_protection) is
created if missing.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_subtree import setup_django, timed

BENCH_ROOT_CODE = "98"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jinguo_bench_protection"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs of the list (c)")
    parser.add_argument("--only", default="sweep,list")
    return parser.parse_args()


def sql(statement: str, params=None) -> None:
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
    first = " ".join(statement.split())[:70]
    print(f"  {first} … {time.perf_counter() - began:.1f} s", flush=True)


def prepare(args) -> None:
    import bench_cases
    import bench_people
    from django.db import connection

    from jinguo.cases.models import Case
    from jinguo.protection.models import RiskAssessment

    bench_people.prepare(args)
    have = Case.objects.filter(number__startswith="B-").count()
    if have < args.cases:
        print(f"generating {args.cases - have:,} cases …")
        bench_cases.generate_cases(args.cases, have)
    if RiskAssessment.objects.exists():
        return
    print("generating complainants, assessments, orders, breaches, plans and visits …")
    from jinguo.core.crypto import encrypt
    from jinguo.protection.models import Instrument

    instrument, _ = Instrument.objects.get_or_create(
        code="bench", version=1, defaults={"name": "bench"}
    )
    assessor = bench_people.district_user("rights_officer", "bench_assessor")
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM people_person")
        low, high = cursor.fetchone()
    span = high - low + 1
    # Violence cases get a complainant among the persons; a few persons get several.
    sql(
        f"""UPDATE cases_case SET complainant_id = {low} + floor(random() * {span})::bigint
            WHERE gbv_type <> '' AND number LIKE 'B-%%'"""
    )
    answers = encrypt("{}")
    assess = f"""
    INSERT INTO protection_riskassessment (
      org_id, org_path, person_id, case_id, is_sensitive, created_by_id, created_at,
      updated_at, version, instrument_id, assessed_by_id, assessed_at, answers, score,
      computed_level, judged_level, judgement_reason, level, next_review_on, notes)
    SELECT p.org_id, p.org_path, p.id, NULL, true, NULL, t.at, t.at, 1, {instrument.pk},
           {assessor.pk}, t.at, %(answers)s, 0, t.level, '', '', t.level, NULL, ''
    FROM (SELECT id, org_id, org_path FROM people_person WHERE random() < %(share)s) p,
    LATERAL (SELECT now() - (interval '1 day' * (%(days)s + random() * 30)) AS at,
                    CASE WHEN random() < 0.2 THEN 'high' WHEN random() < 0.5 THEN 'medium'
                         ELSE 'standard' END AS level, p.id AS pid) t
    """
    sql(assess, {"answers": answers, "share": 0.10, "days": 60})
    # A quarter of the assessed are reassessed later (some rising).
    sql(
        assess.replace(
            "FROM people_person WHERE random() < %(share)s",
            "FROM people_person WHERE id IN (SELECT person_id FROM protection_riskassessment) "
            "AND random() < %(share)s",
        ),
        {"answers": answers, "share": 0.25, "days": 0},
    )
    sql(
        """
    INSERT INTO protection_protectionorder (
      org_id, org_path, person_id, case_id, is_sensitive, created_by_id, created_at, updated_at,
      version, respondent_id, respondent_description, applicant_kind, applicant_name,
      help_drafting, help_evidence, help_accompanying, court_id, court_case_number, status,
      applied_at, accepted_at, urgent, decision_due_at, ruled_at, ban_violence, ban_contact,
      move_out, other_measures, effective_from, effective_until, notes)
    SELECT org_id, org_path, id, NULL, true, NULL, now() - interval '1 day',
           now() - interval '1 day', 1, NULL, '', 'victim', '',
           true, false, false, NULL, '', 'granted', now(), now(), false, NULL, now(), true,
           true, false, '', current_date - 150, current_date + (random() * 180)::int, ''
    FROM people_person WHERE random() < 0.01"""
    )
    sql(
        """
    INSERT INTO protection_orderbreach (org_id, org_path, order_id, person_id, occurred_at,
      description, police_response, sanction, recorded_by_id, recorded_at, is_sensitive)
    SELECT org_id, org_path, id, person_id, now() - interval '3 days', %(d)s, '', 'pending',
           NULL, now() - interval '3 days', true
    FROM protection_protectionorder WHERE random() < 0.05""",
        {"d": encrypt("再次骚扰")},
    )
    sql(
        """
    INSERT INTO protection_followupplan (org_id, org_path, person_id, case_id, is_sensitive,
      created_by_id, created_at, updated_at, version, schedule_days, repeat_every_days,
      started_on, status, ended_at, ended_by_id, end_reason)
    SELECT org_id, org_path, complainant_id, id, true, NULL, now() - interval '1 day',
           now() - interval '1 day', 1, '[7, 30, 90]',
           90, (resolved_at)::date, 'active', NULL, NULL, ''
    FROM (SELECT DISTINCT ON (complainant_id) * FROM cases_case
          WHERE gbv_type <> '' AND status IN ('resolved', 'closed')
            AND complainant_id IS NOT NULL AND random() < 0.5) c"""
    )
    sql(
        """
    INSERT INTO protection_protectivevisit (org_id, org_path, person_id, case_id, is_sensitive,
      created_by_id, created_at, updated_at, version, plan_id, due_on, mode, state, done_at,
      done_by_id, safe, recurred, needs, next_step, recurrence_case_id)
    SELECT org_id, org_path, person_id, case_id, true, NULL, now() - interval '1 day',
           now() - interval '1 day', 1, id,
           started_on + 7, 'phone',
           CASE WHEN r < 0.8 THEN 'done' WHEN r < 0.9 THEN 'missed' ELSE 'unreachable' END,
           now() - interval '1 day', NULL, 'safe', r < 0.01, '', '', NULL
    FROM (SELECT *, random() AS r FROM protection_followupplan) p"""
    )
    for table in (
        "cases_case",
        "protection_riskassessment",
        "protection_protectionorder",
        "protection_orderbreach",
        "protection_followupplan",
        "protection_protectivevisit",
    ):
        sql(f"VACUUM ANALYZE {table}")


def counts() -> str:
    from jinguo.cases.models import Case
    from jinguo.people.models import Person
    from jinguo.protection.models import (
        OrderBreach,
        ProtectionOrder,
        ProtectiveVisit,
        RiskAssessment,
    )

    return ", ".join(
        f"{m.objects.count():,} {label}"
        for m, label in [
            (Person, "persons"),
            (Case, "cases"),
            (RiskAssessment, "assessments"),
            (ProtectionOrder, "orders"),
            (OrderBreach, "breaches"),
            (ProtectiveVisit, "visits"),
        ]
    )


class CPU(NamedTuple):
    python: float
    backend: float

    def __sub__(self, other):
        return CPU(self.python - other.python, self.backend - other.backend)


def load() -> str:
    """The machine's load average: the figures are wall-clock times on 2 shared cores."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds():
    """(this process, its PostgreSQL backend) CPU seconds so far: less sensitive than the wall
    clock to other work on the machine (the backend is on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    backend = (int(fields[11]) + int(fields[12])) / ticks
    return CPU(time.process_time(), backend)


def bench_sweeps() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jinguo.core.models import AuditEvent
    from jinguo.protection.models import Alert, AlertRule
    from jinguo.protection.services.alert_sweep import alerts_sweep

    AlertRule.objects.update(swept_at=None)
    Alert.objects.all().delete()
    sql("VACUUM ANALYZE protection_alert")
    cpu_before = cpu_seconds()
    began = time.perf_counter()
    result = alerts_sweep()
    full = time.perf_counter() - began
    cpu = cpu_seconds() - cpu_before
    print(f"(a) full sweep: {full:.1f} s (target ≤ 60 s) — {result}")
    print(f"      CPU: {cpu[0]:.1f} s Python + {cpu[1]:.1f} s PostgreSQL backend; load {load()}")
    for code, (raised, resolved, spent) in sorted(result.rules.items()):
        print(f"      {code:<20} raised {raised:>7,}  resolved {resolved:>6,}  {spent:6.2f} s")
    # What autovacuum does after a burst of writes: fresh statistics for the list (c).
    sql("VACUUM ANALYZE protection_alert")
    audit_before = AuditEvent.objects.count()
    cpu_before = cpu_seconds()
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        second = alerts_sweep()
    incremental = time.perf_counter() - began
    cpu = cpu_seconds() - cpu_before
    print(
        f"(b) second sweep, nothing changed: {incremental:.2f} s (target ≤ 5 s), "
        f"{len(queries.captured_queries)} statements — {second}; "
        f"audit rows written: {AuditEvent.objects.count() - audit_before}"
    )
    print(f"      CPU: {cpu[0]:.2f} s Python + {cpu[1]:.2f} s PostgreSQL backend; load {load()}")
    for code, (_r, _s, spent) in sorted(second.rules.items()):
        print(f"      {code:<20} {spent:6.2f} s")
    slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    for q in slow:
        print(f"      {float(q['time']) * 1000:7.0f} ms  {q['sql'][:110]}")


def bench_list(runs: int) -> None:
    import bench_people
    from django.test import Client

    from jinguo.protection.filtersets.followup import AlertFilterSet
    from jinguo.protection.selectors.alerts import alert_queryset, in_work_order

    leader = bench_people.district_user("leader", "bench_alert_leader")

    def query():
        qs = in_work_order(alert_queryset(leader))
        fs = AlertFilterSet({"status": "open"}, queryset=qs)
        rows = fs.qs
        rows.count()
        list(rows[:25])

    median, p95 = timed(query, runs)
    total = in_work_order(alert_queryset(leader)).count()
    print(
        f"(c) leader's warning list ({total:,} warnings in scope): query median {median:.1f} ms, p95 {p95:.1f} ms"
    )
    client = Client()
    client.force_login(leader)

    def page():
        response = client.get("/protection/alerts/?status=open")
        assert response.status_code == 200

    median, p95 = timed(page, runs)
    print(
        f"    the page through the test client: median {median:.1f} ms, p95 {p95:.1f} ms (target ≤ 100 ms)"
    )


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    prepare(args)
    print(counts())
    if "sweep" in args.only:
        bench_sweeps()
    if "list" in args.only:
        bench_list(args.runs)


if __name__ == "__main__":
    main()
