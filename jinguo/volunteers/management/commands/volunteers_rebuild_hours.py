from django.core.management.base import BaseCommand

from jinguo.volunteers.services.teams import service_years_rebuild


class Command(BaseCommand):
    help = "Recount the yearly confirmed volunteer hours (the hours statistics) from the sign-ups."

    def handle(self, *args, **options):
        rows = service_years_rebuild()
        self.stdout.write(f"{rows} volunteer-years counted")
