"""Every write of the accounts app: users, roles, passwords and login security.

Each service runs in one transaction, checks the actor's permission, validates with messages a
user can act on, saves only the fields it changes and writes its audit event. Phone numbers
reach the audit trail only as ciphertext (audit.snapshot) and never reach a log.

The services are split by concept into the modules of this package and all importable from
here: ``from jinguo.accounts.services import user_create``.
"""

from .login import login_failure_record, login_success_record, logout_record, token_issue
from .roles import (
    default_roles_sync,
    ensure_default_roles,
    permissions_by_name,
    role_create,
    role_delete,
    role_update,
)
from .two_factor import (
    enrolment_mark,
    recovery_code_use,
    recovery_codes_regenerate,
    token_second_factor_check,
    two_factor_device_start,
    two_factor_disable,
    two_factor_enrol,
    two_factor_login_verify,
    two_factor_reset,
)
from .users import (
    UserCreated,
    user_create,
    user_password_change,
    user_password_reset,
    user_set_active,
    user_update,
)

__all__ = [
    "UserCreated",
    "default_roles_sync",
    "enrolment_mark",
    "ensure_default_roles",
    "login_failure_record",
    "login_success_record",
    "logout_record",
    "permissions_by_name",
    "recovery_code_use",
    "recovery_codes_regenerate",
    "role_create",
    "role_delete",
    "role_update",
    "token_issue",
    "token_second_factor_check",
    "two_factor_device_start",
    "two_factor_disable",
    "two_factor_enrol",
    "two_factor_login_verify",
    "two_factor_reset",
    "user_create",
    "user_password_change",
    "user_password_reset",
    "user_set_active",
    "user_update",
]
