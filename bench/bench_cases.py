"""Benchmarks of the cases app on PostgreSQL: API intake throughput and a district queue.

    python bench/bench_cases.py [--database-url URL] [--only intake,queue] [--appeals 3000]
                                [--cases 2000000]

(a) ``intake``: gunicorn (jinguo.settings.prod, several workers) serves the API; concurrent
    keep-alive client threads POST appeals to /api/cases/cases/ as a 12338 operator with a
    token, each with a unique client_reference. Prints appeals/s (target ≥ 200) and checks
    that every accepted appeal is in the database exactly once; then fires every reference of a
    sample twice at the same moment and checks that each still gave one case. ``--profile``
    adds an in-process breakdown of one intake (numbering, audit chain, search text, crypto,
    repeat look-up, share, notifications) from cProfile and the query count.
(b) ``queue``: 2,000,000 cases spread over a 30,000-unit tree (statuses, deadlines,
    categories, ~10 % sensitive; one INSERT … SELECT generate_series per batch), then a district
    user's queues (with five cases of other districts shared with her, as assignments leave
    them), for a rights officer (view_sensitive) and a user without it. Per queue: DB — restrict()
    + CaseFilterSet + ordering, paged() as the list pages use it (core/pages.py), count + first
    25 rows; the same on the plain queryset for comparison; API — GET /api/cases/cases/ (first
    50 serialised) through the test client; with --ui, UI — GET /cases/ (tab counts, filter form,
    25-row table). Median and p95 over --runs runs, the indexes in the plans, and a summary
    table against the targets: API ≤ 50 ms, UI ≤ 100 ms (server time, in process). The load
    average is printed: these are wall-clock figures on whatever else the machine is doing.

The bench database (default postgres://postgres@127.0.0.1:5432/jinguo_bench_cases) is created
if missing; later runs reuse the generated tree and cases.
"""

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_people import plan_of, print_plans
from bench_subtree import ROOT, setup_django, timed

BENCH_ROOT_CODE = "98"
PAGE = 25
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jinguo_bench_cases"
SUMMARIES = [
    "丈夫酒后殴打，求助",
    "离婚后子女抚养费纠纷",
    "婆媳矛盾，要求调解",
    "单位解除劳动合同，怀孕期间",
    "土地承包经营权被收回",
    "咨询离婚财产分割",
    "邻里纠纷影响家庭生活",
    "孩子在学校受到欺凌",
    "长期遭受言语威胁和控制",
    "宅基地继承纠纷",
]
# Share of named callers filed as a new person (set by --new-complainants).
NEW_COMPLAINANT_SHARE = [0.5]
CHANNELS = ["hotline_12338"] * 5 + ["walk_in"] * 2 + ["grid", "letter", "portal", "transfer"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="postgres://… (PostgreSQL)")
    parser.add_argument("--only", default="intake,queue")
    parser.add_argument("--appeals", type=int, default=3000, help="POSTs for (a)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--profile", action="store_true", help="(a): profile intake in-process")
    parser.add_argument(
        "--endpoint",
        default="queue",
        choices=["queue", "sync"],
        help="(a): queue = POST /api/cases/intake/ (202, registered by process_intake); "
        "sync = POST /api/cases/cases/ (201, registered in the request)",
    )
    parser.add_argument(
        "--intake-workers",
        type=int,
        default=1,
        help="(a, queue): process_intake workers running while the appeals arrive",
    )
    parser.add_argument(
        "--new-complainants",
        type=float,
        default=0.5,
        help="(a): share of named callers filed as a new person (default 0.5)",
    )
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs for (b)")
    parser.add_argument(
        "--proposed-index",
        action="store_true",
        help="(b): first create cases_case_scope_due (org_path, due_state, due_at) if missing",
    )
    parser.add_argument("--ui", action="store_true", help="(b): also time the UI list page")
    return parser.parse_args()


# --- shared set-up -----------------------------------------------------------------------


def prepare_tree(args) -> None:
    from django.core.management import call_command

    from jinguo.orgs.models import OrgUnit

    call_command("migrate", verbosity=0)
    have = OrgUnit.objects.filter(path__subtree=f"{BENCH_ROOT_CODE}/").count()
    if have < args.units:
        from jinguo.cases.models import Case

        if have:
            Case.objects.filter(org_path__subtree=f"{BENCH_ROOT_CODE}/").delete()
        print(f"generating {args.units:,} units under {BENCH_ROOT_CODE} …")
        call_command("demo_scale", units=args.units, root=BENCH_ROOT_CODE, replace=have > 0)


def bench_user(username: str, role: str, unit):
    from jinguo.accounts.models import Role, User
    from jinguo.accounts.services import ensure_default_roles

    ensure_default_roles()
    user, _created = User.objects.get_or_create(
        username=username, defaults={"real_name": "压测用户", "home_unit": unit}
    )
    if user.home_unit_id != unit.pk or not user.is_active:
        user.home_unit, user.is_active = unit, True
        user.save()
    user.roles.set([Role.objects.get(code=role)])
    return User.objects.get(pk=user.pk)


def bench_units(kind: str):
    from jinguo.orgs.models import OrgUnit

    return OrgUnit.objects.filter(path__subtree=f"{BENCH_ROOT_CODE}/", kind=kind).order_by("path")


# --- (a) intake throughput ---------------------------------------------------------------


def appeal(rng: random.Random, reference: str, categories, communities: list[int]) -> bytes:
    code, violence = rng.choice(categories)
    body = {
        "channel": "hotline_12338",
        "category": code,
        "urgency": rng.choice(["normal"] * 8 + ["priority", "urgent"]),
        "summary": rng.choice(SUMMARIES),
        "narrative": "来电人反映：" + "，".join(rng.sample(SUMMARIES, 4)) + "。希望妇联帮助。",
        # A tenth of the callers called before: the repeat look-up finds them.
        "caller_phone": f"13{rng.randrange(10**9 if rng.random() > 0.1 else 10**3):09d}",
        "anonymous": rng.random() < 0.3,
        "client_reference": reference,
    }
    if violence:
        body["gbv_type"] = rng.choice(["physical", "psychological"])
    if not body["anonymous"] and rng.random() < NEW_COMPLAINANT_SHARE[0]:
        body["new_complainant"] = {
            "name": "王" + rng.choice("丽芳敏静秀"),
            "gender": "F",
            "org": rng.choice(communities),  # filed with her community
        }
    return json.dumps(body, ensure_ascii=False).encode()


class Server:
    """gunicorn with the production settings, on the bench database."""

    def __init__(self, args):
        from django.conf import settings

        self.port = args.port
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "jinguo.settings.prod",
            "DATABASE_URL": args.database_url,
            # The keys of the bench process (test settings), so both read the same data.
            "JINGUO_SECRET_KEY": settings.SECRET_KEY,
            "JINGUO_DATA_KEY": settings.JINGUO_DATA_KEY,
            "JINGUO_INDEX_KEY": settings.JINGUO_INDEX_KEY,
            "JINGUO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "JINGUO_SECURE_COOKIES": "0",
            "JINGUO_INTAKE_INLINE": "0",
        }
        self.env = env
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "jinguo.wsgi",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603

    def wait_ready(self, token: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request(
                    "GET", "/api/cases/categories/", headers={"Authorization": f"Token {token}"}
                )
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


class QueueWorkers:
    """``nice manage.py process_intake`` processes with the server's settings and database."""

    def __init__(self, count: int, env: dict):
        # At a lower priority, as the README advises: a burst is acknowledged first and
        # registered with the CPU the API leaves.
        command = ["nice", "-n", "10", str(ROOT / ".venv" / "bin" / "python"), "manage.py"]
        command.append("process_intake")
        self.processes = [
            subprocess.Popen(  # noqa: S603
                [*command, "--poll", "0.2"],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
            )
            for _ in range(count)
        ]

    def stop(self) -> None:
        for process in self.processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            process.wait(timeout=60)


def fire(
    port: int, token: str, bodies: list[bytes], clients: int, path: str = "/api/cases/cases/"
) -> tuple[dict, float, list, list]:
    """POST every body from ``clients`` keep-alive threads; returns status counts and seconds."""
    statuses: dict = {}
    failures: list = []
    latencies: list[float] = []
    lock = threading.Lock()
    next_index = iter(range(len(bodies)))
    headers = {
        "Authorization": f"Token {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                break
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=bodies[i], headers=headers)
                response = conn.getresponse()
                payload = response.read()
                code = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                code, payload = f"error {type(exc).__name__}", b""
            elapsed = time.perf_counter() - started
            with lock:
                statuses[code] = statuses.get(code, 0) + 1
                latencies.append(elapsed)
                if code not in (200, 201, 202) and len(failures) < 5:
                    failures.append((code, payload[:300].decode(errors="replace")))
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return statuses, elapsed, sorted(latencies), failures


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def intake_setup():
    from rest_framework.authtoken.models import Token

    from jinguo.cases.models import Category

    city = bench_units("city").first()
    operator = bench_user("bench_hotline", "hotline_operator", city)
    token, _created = Token.objects.get_or_create(user=operator)
    categories = [
        (c.code, c.is_violence or bool(c.parent_id and c.parent.is_violence))
        for c in Category.objects.filter(is_active=True, parent__isnull=False).select_related(
            "parent"
        )
    ]
    communities = list(
        bench_units("community")
        .filter(path__startswith=city.path)[:200]
        .values_list("pk", flat=True)
    )
    return operator, token.key, (categories, communities)


def bench_intake(args) -> None:
    if args.endpoint == "queue":
        bench_intake_queue(args)
    else:
        bench_intake_sync(args)


QUEUE_PATH = "/api/cases/intake/"


def wait_drained(prefix: str, timeout: float = 1800) -> float:
    """Seconds (monotonic clock) at which no submission of ``prefix`` was pending any more."""
    from django.db import connection

    from jinguo.cases.models import IntakeSubmission

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = IntakeSubmission.objects.filter(
            client_reference__startswith=prefix, status="pending"
        ).exists()
        connection.close()
        if not pending:
            return time.monotonic()
        time.sleep(0.1)
    raise RuntimeError("the intake queue did not drain in time")


def bench_intake_queue(args) -> None:
    from django.db import connection
    from django.db.models import Count

    from jinguo.cases.models import Case, IntakeSubmission

    operator, token, pools = intake_setup()
    # Appeals an interrupted earlier run left waiting would be registered first and skew the
    # figures: the queue starts empty.
    left, _by_model = IntakeSubmission.objects.filter(
        submitted_by=operator, status="pending"
    ).delete()
    if left:
        print(f"    (removed {left:,} submissions an earlier run left pending)")
    run = uuid.uuid4().hex[:8]
    rng = random.Random(run)
    bodies = [appeal(rng, f"bench-{run}-{i:06d}", *pools) for i in range(args.appeals)]
    connection.close()
    server = Server(args)
    workers = None
    try:
        server.wait_ready(token)
        warm = [appeal(rng, f"warm-{run}-{i}", *pools) for i in range(args.workers * 8)]
        fire(args.port, token, warm, args.workers * 2, QUEUE_PATH)
        workers = QueueWorkers(args.intake_workers, server.env)
        if args.intake_workers:
            wait_drained(f"warm-{run}-")  # the workers are up and have warmed too
        started = time.monotonic()
        statuses, elapsed, latencies, failures = fire(
            args.port, token, bodies, args.clients, QUEUE_PATH
        )
        accepted = statuses.get(202, 0)
        if not args.intake_workers:
            workers.stop()
            workers = QueueWorkers(1, server.env)
            drain_started = time.monotonic()
        drained = wait_drained(f"bench-{run}-") - started
        print(
            f"\n(a) intake queue: {args.appeals:,} POST {QUEUE_PATH} from {args.clients} "
            f"keep-alive clients, gunicorn -w {args.workers} --threads {args.threads} "
            f"(jinguo.settings.prod, PostgreSQL), {args.intake_workers} process_intake worker(s) "
            f"running meanwhile; {args.new_complainants:.0%} of named callers filed as new persons"
        )
        print(
            f"    accepted: {elapsed:.1f} s → {accepted / elapsed:.0f} appeals/s "
            f"(target ≥ 200); statuses {statuses}"
        )
        print(
            f"    latency median {percentile(latencies, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
        )
        if args.intake_workers:
            print(
                f"    registered: the last appeal became a case {drained:.1f} s after the first "
                f"POST → {accepted / drained:.0f} appeals/s end to end"
            )
        else:
            drain = drained - (drain_started - started)
            print(
                f"    registered afterwards by one worker in {drain:.1f} s "
                f"→ {accepted / drain:.0f} appeals/s"
            )
        for code, text in failures:
            print(f"    failure {code}: {text}")
        prefix = f"bench-{run}-"
        submissions = IntakeSubmission.objects.filter(
            submitted_by=operator, client_reference__startswith=prefix
        )
        by_status = dict(
            submissions.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        stored = Case.objects.filter(created_by=operator, client_reference__startswith=prefix)
        distinct = stored.values("client_reference").distinct().count()
        linked = submissions.filter(case__client_reference__startswith=prefix).count()
        ok = stored.count() == distinct == linked == by_status.get("registered", 0) == accepted
        print(
            f"    in the database: submissions {by_status}; {stored.count():,} cases "
            f"({distinct:,} distinct references, {linked:,} linked from their submission); "
            f"accepted {accepted:,} — " + ("OK" if ok else "MISMATCH")
        )
        connection.close()
        sample = [appeal(rng, f"dup-{run}-{i:04d}", *pools) for i in range(200)]
        doubled = [body for body in sample for _ in range(2)]
        statuses, _elapsed, _lat, failures = fire(
            args.port, token, doubled, args.clients, QUEUE_PATH
        )
        if not args.intake_workers:
            workers.stop()
            workers = QueueWorkers(1, server.env)
        wait_drained(f"dup-{run}-")
        dup = Case.objects.filter(created_by=operator, client_reference__startswith=f"dup-{run}-")
        print(
            f"    duplicates: 200 references each POSTed twice concurrently → statuses "
            f"{statuses}; {dup.count()} cases in the database — "
            + ("OK" if dup.count() == 200 and statuses.get(202) == 200 else "MISMATCH")
        )
        for code, text in failures:
            print(f"    failure {code}: {text}")
    finally:
        if workers is not None:
            workers.stop()
        server.stop()


def bench_intake_sync(args) -> None:
    from django.db import connection

    from jinguo.cases.models import Case

    operator, token, pools = intake_setup()
    run = uuid.uuid4().hex[:8]
    rng = random.Random(run)
    bodies = [appeal(rng, f"bench-{run}-{i:06d}", *pools) for i in range(args.appeals)]
    connection.close()  # the server's workers must not wait on this process's transaction
    server = Server(args)
    try:
        server.wait_ready(token)
        # Warm every worker (imports, jieba dictionary, connections) outside the timing.
        warm = [appeal(rng, f"warm-{run}-{i}", *pools) for i in range(args.workers * 8)]
        fire(args.port, token, warm, args.workers * 2)
        statuses, elapsed, latencies, failures = fire(args.port, token, bodies, args.clients)
        created = statuses.get(201, 0)
        print(
            f"\n(a) intake: {args.appeals:,} POST /api/cases/cases/ from {args.clients} "
            f"keep-alive clients, gunicorn -w {args.workers} --threads {args.threads} "
            f"(jinguo.settings.prod, PostgreSQL); "
            f"{args.new_complainants:.0%} of named callers filed as new persons"
        )
        print(
            f"    {elapsed:.1f} s → {created / elapsed:.0f} appeals/s accepted "
            f"(target ≥ 200); statuses {statuses}"
        )
        print(
            f"    latency median {percentile(latencies, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
        )
        for code, text in failures:
            print(f"    failure {code}: {text}")
        prefix = f"bench-{run}-"
        stored = Case.objects.filter(created_by=operator, client_reference__startswith=prefix)
        distinct = stored.values("client_reference").distinct().count()
        print(
            f"    in the database: {stored.count():,} cases for this run "
            f"({distinct:,} distinct references); accepted {created:,} — "
            + ("OK" if stored.count() == distinct == created else "MISMATCH")
        )
        connection.close()
        # Idempotency under concurrency: each reference of a sample sent twice at once.
        sample = [appeal(rng, f"dup-{run}-{i:04d}", *pools) for i in range(200)]
        doubled = [body for body in sample for _ in range(2)]
        statuses, elapsed, _lat, failures = fire(args.port, token, doubled, args.clients)
        dup = Case.objects.filter(created_by=operator, client_reference__startswith=f"dup-{run}-")
        print(
            f"    duplicates: 200 references each POSTed twice concurrently → statuses "
            f"{statuses}; {dup.count()} cases in the database — "
            + ("OK" if dup.count() == 200 and statuses.get(201) == 200 else "MISMATCH")
        )
        for code, text in failures:
            print(f"    failure {code}: {text}")
    finally:
        server.stop()
    if args.profile:
        profile_intake(operator, pools)


# (label, module, attribute): timed by wrapping the attribute where the intake looks it up.
PROFILED = [
    ("case number (locked counter)", "jinguo.cases.services.intake", "next_case_number"),
    ("new complainant (person_create)", "jinguo.cases.services.intake", "_create_complainant"),
    ("search text (jieba)", "jinguo.cases.services.intake", "case_search_text"),
    ("sensitivity", "jinguo.cases.services.intake", "case_is_sensitive"),
    ("deadlines", "jinguo.cases.services.intake", "apply_deadlines"),
    ("repeat look-up", "jinguo.cases.services.intake", "find_repeat_of"),
    ("creator share (incl. its audit row)", "jinguo.cases.services.intake", "share_grant"),
    ("timeline event", "jinguo.cases.services.intake", "add_event"),
    ("notifications (urgent only)", "jinguo.cases.services.intake", "notify_unit_leaders"),
    ("audit rows (all, chain head lock)", "jinguo.core.audit", "write_event"),
    ("audit snapshot of the case", "jinguo.core.audit", "snapshot"),
    ("field encryption", "jinguo.core.crypto", "encrypt"),
]


def profile_intake(operator, pools, count: int = 300) -> None:
    """Where one intake spends its time, in-process (no HTTP), rolled back afterwards.

    Each listed function is wrapped with a timer where the intake looks it up (inclusive
    times: the share's figure contains its audit row, which "audit rows" counts again).
    """
    import importlib

    from django.db import connection, transaction
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from jinguo.cases.api.inputs import CaseIntakeSerializer
    from jinguo.cases.services.intake import case_create_idempotent

    rng = random.Random(5)
    request = RequestFactory().post("/api/cases/cases/")
    request.user = operator
    inputs = []
    for i in range(count):
        serializer = CaseIntakeSerializer(
            data=json.loads(appeal(rng, f"prof-{i}", *pools)), context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        inputs.append(dict(serializer.validated_data))
    spent: dict[str, list] = {label: [0.0, 0] for label, _m, _a in PROFILED}
    originals = []
    for label, module_name, attribute in PROFILED:
        module = importlib.import_module(module_name)
        original = getattr(module, attribute, None)
        if original is None:
            continue

        def timer(*args, _fn=original, _label=label, **kwargs):
            began = time.perf_counter()
            try:
                return _fn(*args, **kwargs)
            finally:
                spent[_label][0] += time.perf_counter() - began
                spent[_label][1] += 1

        setattr(module, attribute, timer)
        originals.append((module, attribute, original))
    try:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as ctx:
                case_create_idempotent(user=operator, **{**inputs[0], "client_reference": "p-x"})
            queries = len(ctx.captured_queries)
            for entry in spent.values():
                entry[:] = [0.0, 0]
            cpu, started = time.process_time(), time.perf_counter()
            for data in inputs:
                case_create_idempotent(user=operator, **data)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            transaction.set_rollback(True)
    finally:
        for module, attribute, original in originals:
            setattr(module, attribute, original)
    print(
        f"\n    in-process intake (case_create_idempotent, no HTTP), {count} calls: "
        f"{elapsed / count * 1000:.1f} ms each ({cpu / count * 1000:.1f} ms CPU in this "
        f"process), {queries} SQL statements per intake"
    )
    for label, (total, calls) in spent.items():
        if calls:
            print(f"      {label:<38}{total / count * 1000:7.2f} ms per intake ({calls} calls)")


# --- (b) district queue over 2,000,000 cases ---------------------------------------------

UNITS_SQL = """
DROP TABLE IF EXISTS bench_case_units;
CREATE UNLOGGED TABLE bench_case_units (n int PRIMARY KEY, id bigint, path varchar(255));
INSERT INTO bench_case_units
SELECT row_number() OVER (ORDER BY w.r) - 1, w.id, w.path
FROM (
  -- most cases at communities (17 tickets each), fewer at streets (3) and districts (1)
  SELECT o.id, o.path, random() AS r
  FROM orgs_orgunit o
  JOIN generate_series(1, 17) AS rep(k)
    ON rep.k <= CASE o.kind WHEN 'community' THEN 17 WHEN 'township' THEN 3 ELSE 1 END
  WHERE o.path LIKE %(root)s AND o.kind IN ('community', 'township', 'county')
) AS w;
ANALYZE bench_case_units;
"""

INSERT_SQL = """
WITH k AS (SELECT %(cat)s::bigint[] AS cat, %(sub)s::bigint[] AS sub, %(sens)s::bool[] AS sens,
             %(viol)s::bool[] AS viol, %(summaries)s::text[] AS summaries,
             %(search)s::text[] AS search, %(channels)s::text[] AS channels),
g AS (
  SELECT i,
         floor(random() * %(units)s)::int AS un,
         1 + floor(random() * array_length(k.cat, 1))::int AS ci,
         1 + floor(random() * array_length(k.summaries, 1))::int AS si,
         1 + floor(random() * array_length(k.channels, 1))::int AS chi,
         random() AS rs, random() AS rd, random() AS rt, random() AS rr
  FROM generate_series(%(start)s::int, %(stop)s::int) AS i, k
),
h AS (
  SELECT g.*,
         CASE WHEN rs < 0.04 THEN 'registered' WHEN rs < 0.08 THEN 'accepted'
              WHEN rs < 0.13 THEN 'assigned' WHEN rs < 0.25 THEN 'in_progress'
              WHEN rs < 0.30 THEN 'resolved' WHEN rs < 0.38 THEN 'declined'
              ELSE 'closed' END AS status
  FROM g
),
r AS (
  SELECT h.*,
         -- open cases are recent; finished ones spread over the span (three years by default)
         CASE WHEN status IN ('closed', 'declined')
              THEN now() - (interval '1 day' * (30 + rr * %(span)s))
              ELSE now() - (interval '1 day' * (rr * 90)) END AS received,
         CASE WHEN status IN ('closed', 'declined') THEN NULL
              ELSE now() + (interval '1 hour' * ((rd * 50 - 10) * 24)) END AS due
  FROM h
)
INSERT INTO cases_case (
  org_id, org_path, number, channel, received_at, summary, narrative, category_id,
  subcategory_id, gbv_type, urgency, is_sensitive, involves_minor, anonymous, caller_phone,
  caller_phone_index, status, decline_reason, outcome, outcome_note, satisfaction,
  accepted_at, resolved_at, closed_at, decide_due_at, finish_due_at, follow_up_due_at, due_at,
  due_state, extension_days, is_repeat, client_reference, search_text, version, created_at,
  updated_at)
SELECT u.id, u.path, 'B-' || lpad(i::text, 9, '0'), k.channels[chi], received,
       k.summaries[si], %(narrative)s, k.cat[ci], k.sub[ci],
       CASE WHEN k.viol[ci] THEN (CASE WHEN rt < 0.5 THEN 'physical' ELSE 'psychological' END)
            ELSE '' END,
       CASE WHEN rt < 0.05 THEN 'urgent' WHEN rt < 0.2 THEN 'priority' ELSE 'normal' END,
       k.sens[ci] OR rd < 0.03, rd < 0.03, rt > 0.7, %(phone)s, '', status,
       CASE WHEN status = 'declined' THEN '不属于受理范围' ELSE '' END,
       CASE WHEN status IN ('resolved', 'closed') THEN 'answered' ELSE '' END,
       '', CASE WHEN status = 'closed' THEN 'satisfied' ELSE '' END,
       CASE WHEN status NOT IN ('registered', 'declined') THEN received + interval '2 days' END,
       CASE WHEN status IN ('resolved', 'closed') THEN received + interval '20 days' END,
       CASE WHEN status = 'closed' THEN received + interval '30 days' END,
       received + interval '15 days', received + interval '60 days', NULL, due,
       CASE WHEN due IS NULL THEN 'none' WHEN due < now() THEN 'overdue'
            WHEN due < now() + interval '72 hours' THEN 'soon' ELSE 'ok' END,
       0, false, '', k.search[si], 1, received, received
FROM r JOIN bench_case_units u ON u.n = r.un, k
"""


def generate_cases(
    total: int, have: int, batch: int = 250_000, root: str = BENCH_ROOT_CODE, span: int = 1065
) -> None:
    """Cases ``have + 1`` … ``total`` over the tree under ``root``; finished cases received
    over the last ``span`` + 30 days."""
    from django.db import connection, transaction

    from jinguo.cases.models import Category
    from jinguo.core.crypto import encrypt
    from jinguo.core.search import build_search_text

    with connection.cursor() as cursor:
        for statement in UNITS_SQL.split(";"):
            if statement.strip():
                cursor.execute(statement, {"root": f"{root}/%"} if "%(" in statement else None)
        cursor.execute("SELECT count(*) FROM bench_case_units")
        units = cursor.fetchone()[0]
    subs = list(Category.objects.filter(parent__isnull=False).select_related("parent"))
    weights = {
        "family-dispute": 30,
        "family-divorce": 12,
        "family-violence": 6,
        "labour-rights": 8,
        "property-land": 5,
        "family-custody": 8,
    }
    picked = [c for c in subs for _ in range(weights.get(c.code, 2))]
    params = {
        "units": units,
        "cat": [c.parent_id for c in picked],
        "sub": [c.pk for c in picked],
        "sens": [bool(c.sensitive or c.is_violence or c.parent.sensitive) for c in picked],
        "viol": [bool(c.is_violence or c.parent.is_violence) for c in picked],
        "summaries": SUMMARIES,
        "search": [build_search_text(s) for s in SUMMARIES],
        "channels": CHANNELS,
        # One ciphertext reused: reading a row decrypts as much as a real one would.
        "narrative": encrypt("来电人反映家庭矛盾，希望妇联帮助调解。" * 4),
        "phone": encrypt("13800000000"),
        "span": span,
    }
    start = have + 1
    while start <= total:
        stop = min(total, start + batch - 1)
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [start / (total + 1)])
            cursor.execute(INSERT_SQL, {**params, "start": start, "stop": stop})
        print(f"  cases {start:,}–{stop:,} in {time.perf_counter() - began:.1f} s", flush=True)
        start = stop + 1
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_case_units")


def prepare_cases(args) -> None:
    from django.db import connection

    from jinguo.cases.models import Case

    have = Case.objects.filter(number__startswith="B-").count()
    if have < args.cases:
        print(f"generating {args.cases - have:,} cases (found {have:,}) …")
        began = time.perf_counter()
        generate_cases(args.cases, have)
        print(f"  done in {time.perf_counter() - began:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_case")
    if args.proposed_index:
        with connection.cursor() as cursor:
            cursor.execute(PROPOSED_INDEX_SQL)
            cursor.execute("ANALYZE cases_case")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'cases_case' "
            "AND indexname LIKE 'cases_case_scope%%' ORDER BY 1"
        )
        scope = [row[0] for row in cursor.fetchall()]
    print(f"{connection.vendor}: {Case.objects.count():,} cases; path indexes: {', '.join(scope)}")


# The index this bench suggests for the due-state queues (not in the migrations yet).
PROPOSED_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS cases_case_scope_due ON cases_case "
    "(org_path varchar_pattern_ops, due_state varchar_pattern_ops, due_at)"
)


def give_case_shares(user, count: int = 5) -> None:
    """A few cases elsewhere shared with the user, as assignments and transfers leave them."""
    from django.contrib.contenttypes.models import ContentType

    from jinguo.cases.models import Case
    from jinguo.core.models import Share

    content_type = ContentType.objects.get_for_model(Case)
    if Share.objects.filter(user=user, content_type=content_type).exists():
        return
    others = Case.objects.exclude(org_path__startswith=user.home_path).values_list("pk", flat=True)
    Share.objects.bulk_create(
        Share(content_type=content_type, object_id=pk, user=user, action="view", reason="bench")
        for pk in others[:count]
    )


QUEUES = [
    ("overdue queue: due_state=overdue, by due_at", {"due_state": "overdue"}, "due_at"),
    (
        "in progress and overdue, by due_at",
        {"status": "in_progress", "due_state": "overdue"},
        "due_at",
    ),
    ("whole queue, newest first", {}, "-received_at"),
]


def ui_page_works(client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except Exception as exc:  # the UI is someone else's; report and go on
        print(f"    UI list page /cases/ not measured: {type(exc).__name__}: {exc}")
        return False


API_TARGET_MS = 50
UI_TARGET_MS = 100
SUMMARY = []


def cpu_ms(fn, runs: int) -> float:
    """CPU per call, this process plus its PostgreSQL backend (from /proc): what the call
    costs on an idle machine, near enough, whatever else is running. Mean over ``runs``."""
    from django.db import connection

    fn()
    pid = connection.connection.info.backend_pid

    def backend() -> float:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    started, started_backend = time.process_time(), backend()
    for _ in range(runs):
        fn()
    spent = time.process_time() - started + backend() - started_backend
    return spent / runs * 1000


def bench_queue(args, user, label: str) -> None:
    from django.test import Client, RequestFactory

    from jinguo.cases.filtersets import CaseFilterSet
    from jinguo.cases.models import Case
    from jinguo.core.scoping import grants_changed

    print(f"\n(b) district queue — {label} ({user.home_unit.code} {user.home_unit.name})")
    client = Client()
    client.force_login(user)
    for title, params, ordering in QUEUES:
        request = RequestFactory().get("/cases/", params)
        request.user = user

        def query(params=params, ordering=ordering, request=request, paged=True):
            grants_changed()  # a request reads the user's shares once: time that read too
            base = Case.objects.restrict(user, "view").select_related(
                "category", "subcategory", "org", "assigned_to"
            )
            qs = CaseFilterSet(params, queryset=base, request=request).qs
            qs = qs.order_by(ordering, "id")
            if paged:
                qs = qs.paged()
            return qs.count(), [case.pk for case in qs[:PAGE]]

        total, rows = query()
        if query(paged=False) != (total, rows):
            raise AssertionError(f"{title}: paged() and the plain queryset disagree")
        db = (*timed(query, args.runs), cpu_ms(query, args.runs))
        plain = (
            *timed(lambda q=query: q(paged=False), args.runs),
            cpu_ms(lambda q=query: q(paged=False), args.runs),
        )
        print(f"  {title} ({total:,} cases)")
        print(
            f"    DB count + first {PAGE}, paged(): median {db[0]:.1f} ms, p95 {db[1]:.1f} ms, "
            f"CPU {db[2]:.1f} ms"
        )
        print(
            f"    DB, plain restrict() queryset:   median {plain[0]:.1f} ms, p95 {plain[1]:.1f} ms, "
            f"CPU {plain[2]:.1f} ms"
        )
        url = "/api/cases/cases/?" + urlencode({**params, "ordering": ordering})

        def page(url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        api = (*timed(page, args.runs), cpu_ms(page, args.runs))
        print(
            f"    API page (session, filters, first 50 serialised): median {api[0]:.1f} ms, "
            f"p95 {api[1]:.1f} ms, CPU {api[2]:.1f} ms — target ≤ {API_TARGET_MS} ms"
        )
        ui = None
        ui_url = "/cases/?" + urlencode(params)
        if args.ui and ui_page_works(client, ui_url):

            def ui_page(ui_url=ui_url):
                client.get(ui_url)

            ui = (*timed(ui_page, args.runs), cpu_ms(ui_page, args.runs))
            print(
                f"    UI list page /cases/: median {ui[0]:.1f} ms, p95 {ui[1]:.1f} ms, "
                f"CPU {ui[2]:.1f} ms — target ≤ {UI_TARGET_MS} ms"
            )
        SUMMARY.append((label, title, total, db, api, ui))
        plans = plan_of(query)
        used = sorted(
            {
                w.strip("(),")
                for p in plans
                for line in p
                for w in line.split()
                if w.startswith("cases_case_") and not w.strip("(),")[11:].isdigit()
            }
        )
        print(f"    indexes in the plans: {', '.join(used) or 'NONE'}")
        if args.verbose_plans:
            print_plans(title, plans)


def print_summary() -> None:
    def cell(figures):
        if not figures:
            return f"{'—':>6} {'—':>6} {'—':>6}"
        return f"{figures[0]:6.1f} {figures[1]:6.1f} {figures[2]:6.1f}"

    print(
        f"\nsummary — ms: median, p95 (wall clock) and CPU (this process + its PostgreSQL "
        f"backend, per call); targets API ≤ {API_TARGET_MS}, UI ≤ {UI_TARGET_MS}; load average "
        f"now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"  {'queue':<46}{'DB':>21}{'API':>21}{'UI':>21}  met (median / CPU)")
    for label, title, total, db, api, ui in SUMMARY:

        def met(i, api=api, ui=ui):
            return api[i] <= API_TARGET_MS and (ui is None or ui[i] <= UI_TARGET_MS)

        who = "officer" if "view_sensitive)" in label else "no view_sensitive"
        name = f"{title.split(':')[0].split(',')[0]} [{who}, {total:,}]"
        verdict = f"{'yes' if met(0) else 'NO'} / {'yes' if met(2) else 'NO'}"
        print(f"  {name:<46}{cell(db):>21}{cell(api):>21}{cell(ui):>21}  {verdict}")


def main() -> None:
    args = parse_args()
    args.verbose_plans = os.environ.get("BENCH_PLANS") == "1"
    NEW_COMPLAINANT_SHARE[0] = args.new_complainants
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench_cases needs PostgreSQL: --database-url postgres://…")
    os.environ.setdefault("JINGUO_MEDIA_ROOT", str(ROOT / "var" / "bench" / "media"))
    setup_django(args.database_url)
    prepare_tree(args)
    only = set(args.only.split(","))
    if "queue" in only:
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        prepare_cases(args)
        county = bench_units("county").last()
        officer = bench_user("bench_case_district", "rights_officer", county)
        give_case_shares(officer)
        bench_queue(args, officer, "district rights officer (view_sensitive)")
        chair = bench_user("bench_case_district_chair", "community_chair", county)
        give_case_shares(chair)
        bench_queue(args, chair, "district user without view_sensitive")
        print_summary()
    if "intake" in only:
        bench_intake(args)


if __name__ == "__main__":
    main()
