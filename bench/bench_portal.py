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
"""

import argparse
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_subtree import setup_django, timed

CODE_RE = re.compile(r'data-testid="tracking-code">([^<]+)<')


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
    args = parser.parse_args()
    setup_django(args.database_url)

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


if __name__ == "__main__":
    main()
