"""What the accounts app adds to the platform's shared places (core/registry.py)."""

from django.utils.translation import gettext_lazy as _

from jinguo.core import registry

from .models import User

registry.menu_item(
    "admin",
    _("用户"),
    "accounts:user_list",
    "ti-users",
    permissions=("accounts.view_user",),
    order=10,
)
registry.menu_item(
    "admin",
    _("角色与权限"),
    "accounts:role_list",
    "ti-shield-lock",
    permissions=("accounts.view_role",),
    order=20,
)


def users_panel(user) -> dict | None:
    if user.home_unit_id is None:
        return None
    total = (
        User.objects.restrict(user, "view")
        .filter(org_path__subtree=user.home_path, is_active=True)
        .count()
    )
    return {"users_total": total}


registry.home_panel(
    "accounts.users",
    "accounts/panels/home_users.html",
    context=users_panel,
    order=850,
    permissions=("accounts.view_user",),
)


def review_panel(user) -> dict | None:
    from django.urls import reverse

    from .selectors.review import REVIEWS, review_counts

    counts = review_counts(user)
    base = reverse("accounts:user_list")
    rows = [
        {"label": label, "hint": hint, "count": counts[name], "url": f"{base}?review={name}"}
        for name, (label, hint) in REVIEWS.items()
    ]
    return {"rows": rows, "nothing": not any(row["count"] for row in rows)}


# The user administrator's work: accounts locked or to review, before any figure.
registry.home_panel(
    "accounts.review",
    "accounts/panels/review.html",
    context=review_panel,
    order=10,
    permissions=("core.manage_users",),
)

registry.audit_labels(
    {
        "login": _("登录"),
        "login_failed": _("登录失败"),
        "lockout": _("账号锁定"),
        "address_throttle": _("来源地址限制登录"),
        "unlock": _("解除锁定"),
        "logout": _("退出登录"),
        "password_change": _("修改密码"),
        "password_reset": _("重置密码"),
        "role_change": _("角色变更"),
        "role_permission_change": _("角色权限变更"),
        "user_deactivate": _("停用账号"),
        "user_reactivate": _("启用账号"),
        "token_refused": _("拒绝签发接口令牌"),
        "admin_bootstrap": _("创建首个系统管理员"),
        "roles_synced": _("同步默认角色"),
        "role_two_factor_change": _("角色两步验证要求变更"),
        "two_factor_enrol": _("启用两步验证"),
        "two_factor_disable": _("停用两步验证"),
        "two_factor_reset": _("重置两步验证"),
        "recovery_codes_regenerate": _("重新生成恢复码"),
        "recovery_code_used": _("使用恢复码登录"),
    }
)
