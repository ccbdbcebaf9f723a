from django.core.management.base import BaseCommand

from jinguo.accounts.services import default_roles_sync


class Command(BaseCommand):
    help = "Create the shipped default roles that are missing; --reset restores their permissions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Also restore the permissions of existing default roles to the shipped ones.",
        )

    def handle(self, *args, reset=False, **options):
        roles = default_roles_sync(reset=reset)
        for role in roles:
            count = role.permissions.count()
            self.stdout.write(f"{role.code:<20} {role.name} ({count} permissions)")
        verb = "reset" if reset else "ensured"
        self.stdout.write(self.style.SUCCESS(f"{len(roles)} default roles {verb}."))
