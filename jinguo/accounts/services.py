from django.contrib.auth.models import Permission
from django.db import transaction

from .models import Role
from .roles import DEFAULT_ROLES


def permissions_by_name(names: list[str], using: str = "default") -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".", 1)
        perm = (
            Permission.objects.using(using)
            .filter(content_type__app_label=app_label, codename=codename)
            .first()
        )
        if perm is not None:
            found.append(perm)
    return found


def ensure_default_roles(*, using: str = "default", reset: bool = False) -> list[Role]:
    """Create the shipped roles that do not exist yet; with reset, restore their permissions."""
    roles = []
    with transaction.atomic(using=using):
        for spec in DEFAULT_ROLES:
            role, created = Role.objects.using(using).get_or_create(
                code=spec["code"],
                defaults={
                    "name": str(spec["name"]),
                    "description": str(spec["description"]),
                    "is_builtin": True,
                },
            )
            if created or reset:
                role.permissions.set(permissions_by_name(spec["permissions"], using))
            roles.append(role)
    return roles
