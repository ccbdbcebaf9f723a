"""Embedded demo and development: SQLite, debug on, secrets generated into a local ignored file."""

from .base import *  # noqa: F403
from .local_keys import load_or_create_local_keys

DEBUG = env_bool("JINGUO_DEBUG", True)  # noqa: F405
_keys = load_or_create_local_keys(VAR_DIR)  # noqa: F405
SECRET_KEY = SECRET_KEY or _keys["secret_key"]  # noqa: F405
JINGUO_DATA_KEY = JINGUO_DATA_KEY or _keys["data_key"]  # noqa: F405
JINGUO_INDEX_KEY = JINGUO_INDEX_KEY or _keys["index_key"]  # noqa: F405
# The demo runs no queue worker: the intake API registers each appeal as it arrives.
JINGUO_INTAKE_INLINE = env_bool("JINGUO_INTAKE_INLINE", True)  # noqa: F405
# The demo's administrator, auditor and leader sign in with the password alone; anyone may
# still enrol an authenticator from 修改密码 → 两步验证 and try the second step.
JINGUO_TWO_FACTOR_ENFORCED = env_bool("JINGUO_TWO_FACTOR_ENFORCED", False)  # noqa: F405
