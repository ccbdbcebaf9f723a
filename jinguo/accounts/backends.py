from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


def role_permissions(user) -> set[str]:
    if not user.is_active or user.pk is None:
        return set()
    rows = (
        Permission.objects.filter(jinguo_roles__users=user)
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    return {f"{app}.{codename}" for app, codename in rows}


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
