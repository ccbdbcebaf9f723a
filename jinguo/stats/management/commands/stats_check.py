from django.core.management.base import BaseCommand

from jinguo.stats import maintenance

from .stats_rebuild import _chosen

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Compare the statistics summary with counts from the records (every unit level and "
        "dimension); exits non-zero when they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="*", help="source keys, e.g. cases.case")

    def handle(self, *args, **options):
        failed = False
        for src in _chosen(options["source"]):
            diffs = maintenance.check(src)
            if not diffs:
                self.stdout.write(f"{src.key}: ok")
                continue
            failed = True
            self.stdout.write(f"{src.key}: {len(diffs)} rows differ (summary → records)")
            for key, have, want in diffs[:SHOWN]:
                names = ["*", *src.dimensions]  # dim 0 counts every record
                dim = names[key.dim] if key.dim < len(names) else key.dim
                self.stdout.write(f"  {key.path} {key.month} {dim}={key.value!r} {have} → {want}")
        if failed:
            raise SystemExit(1)
