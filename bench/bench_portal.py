"""Benchmark of the public portal: appeal submissions accepted per second with none lost, and
the server time of a tracking look-up (code + PIN).

    python bench/bench_portal.py [--database-url URL] [--appeals 300] [--clients 8]
                                 [--lookups 200]

In process, through Django's test client and the real views (form, honeypot, time check,
rate limits raised out of the way, the cases intake service, audit chain): ``--clients``
threads POST ``--appeals`` appeals from as many addresses. Prints appeals/s, then checks that
every accepted appeal is one case and one portal record (none lost, none doubled) and that
every code handed out opens its appeal. Then times ``--lookups`` POSTs of /portal/track/
(median and p95, ms) and the look-up service alone. Targets (issue 13): ≥ 100 appeals/s,
look-up ≤ 20 ms. A deployment runs gunicorn with several workers; this in-process figure on
one Python process is the floor, not the ceiling.

Without --database-url it uses var/bench/bench.sqlite3 (SQLite serialises writers).

    python bench/bench_portal.py --server --database-url postgres://…/jinguo_bench_portal
                                 [--workers 4] [--queue on|off] [--appeals 1000]
                                 [--clients 16] [--intake-workers 1] [--post-only]

Over HTTP, as deployed: starts gunicorn with ``--workers`` processes (settings
bench/portal_bench_settings.py: the test keys, rate limits out of the way, persistent
connections, tasks in the database) and, with the queue on (production's default), as many
``manage.py process_intake`` workers as ``--intake-workers``, running during the burst as they
would. ``--clients`` threads each act as a woman: GET the form (CSRF cookie, start token),
POST it, read the code (urllib, no other dependency); with ``--post-only`` each thread GETs
the form once and then only POSTs. Prints accepted appeals/s over the whole
burst and the POST's median/p95, then waits for the queue to drain (how long the last one
waited), checks that every code opens its appeal with its case filed in the district (none
lost, none doubled), and times tracking look-ups over HTTP one at a time (round trip ≈ server
time on the loopback).
"""

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_subtree import setup_django, timed

CODE_RE = re.compile(r'data-testid="tracking-code">([^<]+)<')
ROOT = Path(__file__).resolve().parent.parent
HIDDEN_RE = re.compile(r'name="(started|csrfmiddlewaretoken)" value="([^"]+)"')


def prepare():
    from django.core.management import call_command

    from jinguo.orgs.choices import UnitKind
    from jinguo.orgs.models import OrgUnit

    call_command("migrate", verbosity=0)

    def unit(code, name, kind, parent):
        obj, _ = OrgUnit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "level": parent.level + 1 if parent else 2,
                "parent": parent,
                "path": f"{parent.path if parent else ''}{code}/",
            },
        )
        return obj

    city = unit("9701", "基准市妇联", UnitKind.CITY, None)
    district = unit("970101", "基准区妇联", UnitKind.COUNTY, city)
    street = unit("970101001", "基准街道妇联", UnitKind.TOWNSHIP, district)
    return unit("970101001001", "基准社区妇联", UnitKind.COMMUNITY, street)


def submit_one(i: int, community_pk: int):
    from django.test import Client

    from jinguo.portal.forms import started_token

    client = Client(REMOTE_ADDR=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}")
    response = client.post(
        "/portal/help/form/",
        {
            "unit": community_pk,
            "started": started_token(),
            "topic": "family",
            "story": f"基准求助 {i}：家里长期争吵，想请妇联调解。",
            "contact_way": "none",
            "anonymous": "on",
            "pin": "2580",
        },
    )
    from django.db import connection

    connection.close()
    if response.status_code != 200:
        return None
    match = CODE_RE.search(response.content.decode())
    return match.group(1).replace(" ", "") if match else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--appeals", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--server", action="store_true", help="gunicorn + HTTP clients")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--queue", choices=["on", "off"], default="on")
    parser.add_argument("--intake-workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--post-only", action="store_true", help="each client GETs the form once, then POSTs"
    )
    args = parser.parse_args()
    setup_django(args.database_url)
    if args.server:
        return serve_and_post(args)

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from jinguo.cases.models import Case
    from jinguo.portal.models import PortalAppeal
    from jinguo.portal.services.appeals import appeal_lookup

    settings.JINGUO_PORTAL_MIN_FILL_SECONDS = 0
    settings.JINGUO_PORTAL_SUBMIT_PER_MINUTE = 10**9
    settings.JINGUO_PORTAL_LOOKUP_PER_ADDRESS = 10**9
    settings.ALLOWED_HOSTS = ["*"]
    community = prepare()
    print(
        f"{connection.vendor}: {args.appeals} appeals from {args.clients} client threads; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    cases_before = Case.objects.filter(channel="portal").count()
    started = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        codes = list(pool.map(lambda i: submit_one(i, community.pk), range(args.appeals)))
    elapsed = time.perf_counter() - started
    accepted = [c for c in codes if c]
    cases_after = Case.objects.filter(channel="portal").count()
    print(
        f"accepted {len(accepted)}/{args.appeals} in {elapsed:.1f} s: {len(accepted) / elapsed:.1f} appeals/s"
    )
    new_cases = cases_after - cases_before
    print(f"new portal cases {new_cases}, portal records {PortalAppeal.objects.count()}")
    lost = [c for c in accepted if not _opens(appeal_lookup, c)]
    print(f"lost or unreadable: {len(lost)}; doubled: {new_cases - len(accepted)}")

    sample = accepted[-1]
    client = Client(REMOTE_ADDR="10.255.255.1")

    def page():
        client.post("/portal/track/", {"code": sample, "pin": "2580"})

    def service():
        appeal_lookup(code=sample, pin="2580")

    med, p95 = timed(page, args.lookups)
    print(f"tracking look-up, POST /portal/track/: median {med:.2f} ms, p95 {p95:.2f} ms")
    med, p95 = timed(service, args.lookups)
    print(f"tracking look-up, service alone: median {med:.2f} ms, p95 {p95:.2f} ms")


def _opens(lookup, code) -> bool:
    try:
        return lookup(code=code, pin="2580") is not None
    except Exception:
        return False


# --- over HTTP, against gunicorn -------------------------------------------------------------


def server_env(args) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal_bench_settings",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
        "JINGUO_PORTAL_QUEUE": "1" if args.queue == "on" else "0",
    }


def start_processes(args) -> list[subprocess.Popen]:
    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = server_env(args)
    bin_dir = Path(sys.executable).parent
    procs = [
        subprocess.Popen(  # noqa: S603
            [
                str(bin_dir / "gunicorn"),
                "jinguo.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{args.port}",
                "--backlog",
                "2048",
                "--timeout",
                "120",
            ],
            env=env,
            cwd=ROOT,
            stdout=open(log_dir / "portal-gunicorn.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
    ]
    if args.queue == "on":
        for i in range(args.intake_workers):
            procs.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "process_intake", "--poll", "0.5"],
                    env=env,
                    cwd=ROOT,
                    stdout=open(log_dir / f"portal-intake-{i}.log", "w"),  # noqa: SIM115
                    stderr=subprocess.STDOUT,
                )
            )
    base = f"http://127.0.0.1:{args.port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(base + "/portal/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline or procs[0].poll() is not None:
            stop_processes(procs)
            raise SystemExit("gunicorn did not come up; see var/bench/portal-gunicorn.log")
        time.sleep(0.5)
    return procs


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(root_pids) -> float:
    """CPU time (user + system) of these processes and their children, from /proc."""
    pids = set(root_pids)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) in root_pids:
                    pids.add(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    total = 0
    for pid in pids:
        try:
            fields = _stat(pid)
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _db_backends(connection) -> list[int]:
    """The server processes serving this database (gunicorn's persistent connections and the
    intake worker's), when PostgreSQL runs on this machine."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]


def stop_processes(procs) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


_thread_form = threading.local()


def woman(base: str, i: int, community_pk: int, post_only: bool = False):
    """GET the form, POST it; returns (code or None, POST seconds, error). With ``post_only``
    each client thread GETs the form once and then only POSTs (submissions alone)."""
    try:
        if post_only and getattr(_thread_form, "form", None):
            opener, hidden = _thread_form.form
        else:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            with opener.open(f"{base}/portal/help/form/?unit={community_pk}", timeout=120) as r:
                hidden = dict(HIDDEN_RE.findall(r.read().decode()))
            _thread_form.form = (opener, hidden)
        data = urllib.parse.urlencode(
            {
                **hidden,
                "unit": community_pk,
                "topic": "family",
                "story": f"基准求助 {i}：家里长期争吵，想请妇联调解。",
                "contact_way": "none",
                "anonymous": "on",
                "pin": "2580",
            }
        ).encode()
        started = time.perf_counter()
        with opener.open(f"{base}/portal/help/form/", data=data, timeout=120) as r:
            body = r.read().decode()
        took = time.perf_counter() - started
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        return None, 0.0, type(exc).__name__
    match = CODE_RE.search(body)
    return (match.group(1).replace(" ", "") if match else None), took, ""


def serve_and_post(args) -> None:
    from django.db import connection

    from jinguo.cases.models import Case, IntakeSubmission, SubmissionStatus
    from jinguo.cases.services.inbox import register_pending
    from jinguo.portal.models import PortalAppeal
    from jinguo.portal.services.appeals import appeal_lookup, portal_intake_user, route_unit

    community = prepare()
    intake = portal_intake_user(route_unit(community))
    # A clean start: anything left in the queue by an earlier run is filed first.
    while register_pending(limit=200).total:
        pass
    cases_before = Case.objects.filter(channel="portal").count()
    appeals_before = PortalAppeal.objects.count()
    connection.close()
    procs = start_processes(args)
    base = f"http://127.0.0.1:{args.port}"
    try:
        load = os.getloadavg()
        print(
            f"{connection.vendor}: gunicorn {args.workers} workers, rate limits in "
            f"{'Redis' if os.environ.get('JINGUO_REDIS_URL', 'redis') else 'each process'}, "
            f"queue {args.queue}"
            f"{f' ({args.intake_workers} process_intake)' if args.queue == 'on' else ''}; "
            f"{args.appeals} appeals from {args.clients} client threads; load average "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
        )
        web_pids = [procs[0].pid]
        intake_pids = [p.pid for p in procs[1:]]
        # Warm every worker (imports, first connection) before the clock starts.
        with ThreadPoolExecutor(args.workers * 2) as pool:
            list(pool.map(lambda i: woman(base, -1 - i, community.pk), range(args.workers * 4)))
        db_pids = _db_backends(connection)
        web_cpu, intake_cpu = cpu_seconds(web_pids), cpu_seconds(intake_pids)
        db_cpu = cpu_seconds(db_pids)
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            results = list(
                pool.map(
                    lambda i: woman(base, i, community.pk, args.post_only), range(args.appeals)
                )
            )
        elapsed = time.perf_counter() - started
        web_cpu = cpu_seconds(web_pids) - web_cpu
        db_cpu = cpu_seconds(db_pids) - db_cpu
        codes = [code for code, _t, _e in results if code]
        errors = [e for code, _t, e in results if not code]
        posts = sorted(t for code, t, _e in results if code)
        print(
            f"accepted {len(codes)}/{args.appeals} in {elapsed:.1f} s: "
            f"{len(codes) / elapsed:.1f} appeals/s "
            f"({'POST only' if args.post_only else 'GET form + POST each'}); POST median "
            f"{statistics.median(posts) * 1000:.0f} ms, p95 "
            f"{posts[round(0.95 * (len(posts) - 1))] * 1000:.0f} ms"
            + (f"; refused/failed: {sorted(set(errors))}" if errors else "")
        )
        print(
            f"gunicorn CPU {web_cpu:.1f} s for the burst: {web_cpu / args.appeals * 1000:.1f} "
            f"ms per appeal ({'POST' if args.post_only else 'GET + POST'}) → "
            f"{args.appeals / web_cpu:.0f} appeals/s per "
            "fully available CPU"
        )
        print(
            f"PostgreSQL backends of this database (web and intake connections) CPU {db_cpu:.1f} s"
            f" during the burst: {db_cpu / args.appeals * 1000:.1f} ms per appeal"
        )
        if args.queue == "on":
            drain_started = time.perf_counter()
            while IntakeSubmission.objects.filter(
                submitted_by=intake, status=SubmissionStatus.PENDING
            ).exists():
                if time.perf_counter() - drain_started > 600:
                    print("queue not drained after 600 s")
                    break
                time.sleep(0.2)
            intake_cpu = cpu_seconds(intake_pids) - intake_cpu
            print(
                f"queue drained {time.perf_counter() - drain_started:.1f} s after the last "
                f"appeal was accepted (burst of {elapsed:.1f} s); process_intake CPU "
                f"{intake_cpu:.1f} s: {intake_cpu / args.appeals * 1000:.1f} ms per appeal"
            )
            connection.close()
        print(f"tracking look-up over HTTP, one at a time ({args.lookups}):")
        sample = codes[-1]
        samples = []
        for n in range(args.lookups + 5):
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
            )
            with opener.open(f"{base}/portal/track/", timeout=30) as r:
                form = r.read().decode()
            token = dict(HIDDEN_RE.findall(form)).get("csrfmiddlewaretoken", "")
            body = urllib.parse.urlencode(
                {"code": sample, "pin": "2580", "csrfmiddlewaretoken": token}
            )
            t0 = time.perf_counter()
            with opener.open(f"{base}/portal/track/", data=body.encode(), timeout=30) as r:
                r.read()
            if n >= 5:
                samples.append((time.perf_counter() - t0) * 1000)
        samples.sort()
        print(
            f"  POST /portal/track/: median {statistics.median(samples):.1f} ms, "
            f"p95 {samples[round(0.95 * (len(samples) - 1))]:.1f} ms"
        )
    finally:
        stop_processes(procs)

    warmed = args.workers * 4
    new_cases = Case.objects.filter(channel="portal").count() - cases_before - warmed
    new_appeals = PortalAppeal.objects.count() - appeals_before - warmed
    unlinked = PortalAppeal.objects.filter(case__isnull=True).count()
    lost = 0
    for code in codes:
        try:
            appeal = appeal_lookup(code=code, pin="2580")
        except Exception:
            lost += 1
            continue
        if appeal.case_id is None or appeal.case.org_id != intake.home_unit_id:
            lost += 1
    print(
        f"new portal cases {new_cases}, portal records {new_appeals}, unlinked {unlinked}; "
        f"lost or unreadable: {lost}; doubled: {new_cases - len(codes)}"
    )
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
