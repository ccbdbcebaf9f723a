"""Reads of the accounts app: users and roles (users), the state of signing in (login)."""

from .users import (
    MANAGE_USERS,
    assignable_permissions,
    assignable_roles,
    assignable_units,
    permission_groups,
    permission_labels,
    role_list_for,
    role_permission_names,
    role_users_for,
    scoped_units,
    user_list_for,
    user_security_events,
)

__all__ = [
    "MANAGE_USERS",
    "assignable_permissions",
    "assignable_roles",
    "assignable_units",
    "permission_groups",
    "permission_labels",
    "role_list_for",
    "role_permission_names",
    "role_users_for",
    "scoped_units",
    "user_list_for",
    "user_security_events",
]
