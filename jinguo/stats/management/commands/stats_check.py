from django.core.management.base import BaseCommand

from jinguo.stats import maintenance

from .stats_rebuild import _chosen

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Compare the statistics summary with counts from the records; exits non-zero when "
        "they differ. Pending trigger notes are counted first unless --no-drain."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="*", help="source keys, e.g. cases.case")
        parser.add_argument("--no-drain", action="store_true")

    def handle(self, *args, **options):
        if not options["no_drain"]:
            maintenance.drain()
        failed = False
        for src in _chosen(options["source"]):
            diffs = maintenance.check(src)
            if not diffs:
                self.stdout.write(f"{src.key}: ok")
                continue
            failed = True
            self.stdout.write(f"{src.key}: {len(diffs)} rows differ (summary → records)")
            for key, have, want in diffs[:SHOWN]:
                values = ",".join(v for v in key.values if v)
                self.stdout.write(f"  {key.path} {key.day} [{values}] {have} → {want}")
        if failed:
            raise SystemExit(1)
