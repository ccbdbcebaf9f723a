from django.core.management.base import BaseCommand, CommandError

from jinguo.stats import maintenance, sources, triggers


class Command(BaseCommand):
    help = "Rebuild the statistics summary from the records (all sources, or those named)."

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="*", help="source keys, e.g. cases.case")

    def handle(self, *args, **options):
        chosen = _chosen(options["source"])
        triggers.install()
        for src in chosen:
            counted = maintenance.rebuild(src)
            self.stdout.write(f"{src.key}: {counted} records counted")


def _chosen(keys):
    if not keys:
        return sources.sources()
    unknown = [k for k in keys if sources.source(k) is None]
    if unknown:
        raise CommandError(f"unknown statistics source: {', '.join(unknown)}")
    return [sources.source(k) for k in keys]
