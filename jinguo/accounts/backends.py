import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection


def role_permissions(user) -> set[str]:
    if not user.is_active or user.pk is None:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(_role_permissions_sql(), [user.pk])
        return {f"{app}.{codename}" for app, codename in cursor.fetchall()}


@functools.cache
def _role_permissions_sql() -> str:
    """The permissions of a user's roles as one plain statement.

    It runs on every request of every account; compiling the equivalent ORM query cost about
    four times more than running it. Table and column names come from the models."""
    from django.contrib.contenttypes.models import ContentType

    from .models import Role, User

    q = connection.ops.quote_name
    user_roles = User.roles.field
    role_perms = Role.permissions.field
    ur, rp = user_roles.remote_field.through._meta, role_perms.remote_field.through._meta
    return (
        f"SELECT DISTINCT ct.{q('app_label')}, p.{q('codename')} "  # noqa: S608 - model metadata
        f"FROM {q(Permission._meta.db_table)} p "
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.{q('id')} = p.{q('content_type_id')} "
        f"JOIN {q(rp.db_table)} rp ON rp.{q(role_perms.m2m_reverse_name())} = p.{q('id')} "
        f"JOIN {q(ur.db_table)} ur ON ur.{q(user_roles.m2m_reverse_name())} "
        f"= rp.{q(role_perms.m2m_column_name())} "
        f"WHERE ur.{q(user_roles.m2m_column_name())} = %s"
    )


class RoleBackend(ModelBackend):
    """Authenticates by username and password; permissions come only from roles."""

    def user_can_authenticate(self, user):
        return user.is_active

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return role_permissions(user_obj) if user_obj.is_active else set()

    def has_perm(self, user_obj, perm, obj=None):
        return perm in user_obj.get_all_permissions()
