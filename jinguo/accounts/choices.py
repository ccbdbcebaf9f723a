from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityAction(models.TextChoices):
    """The ``action`` of the security events this app writes to the audit trail."""

    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("登录锁定")
    ADDRESS_THROTTLE = "address_throttle", _("来源地址限制登录")
    LOGOUT = "logout", _("退出登录")
    TOKEN_REFUSED = "token_refused", _("拒绝签发接口令牌")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    ROLE_CHANGE = "role_change", _("角色变更")
    ROLE_PERMISSION_CHANGE = "role_permission_change", _("角色权限变更")
    USER_DEACTIVATE = "user_deactivate", _("停用账号")
    USER_REACTIVATE = "user_reactivate", _("启用账号")
    ROLES_SYNCED = "roles_synced", _("同步默认角色")
    ROLE_TWO_FACTOR_CHANGE = "role_two_factor_change", _("角色两步验证要求变更")
    TWO_FACTOR_ENROL = "two_factor_enrol", _("启用两步验证")
    TWO_FACTOR_DISABLE = "two_factor_disable", _("停用两步验证")
    TWO_FACTOR_RESET = "two_factor_reset", _("重置两步验证")
    RECOVERY_CODES_REGENERATE = "recovery_codes_regenerate", _("重新生成恢复码")
    RECOVERY_CODE_USED = "recovery_code_used", _("使用恢复码登录")


class LogoutReason(models.TextChoices):
    USER = "user", _("主动退出")
    IDLE = "idle", _("长时间未操作")


class LoginChannel(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口令牌")


class LockScope(models.TextChoices):
    """What a login lock applies to."""

    ACCOUNT = "account", _("该用户名在该来源地址")
    ADDRESS = "address", _("该来源地址的全部登录")


class SecondFactor(models.TextChoices):
    """How a login passed its second step (in the login event's detail)."""

    TOTP = "totp", _("身份验证器动态码")
    RECOVERY_CODE = "recovery_code", _("恢复码")
    ENROLLED = "enrolled", _("新启用的身份验证器")


class LoginStep(models.TextChoices):
    """What a login still needs after a right password."""

    CODE = "code", _("输入动态验证码")
    ENROL = "enrol", _("启用身份验证器")
