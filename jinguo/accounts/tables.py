import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Role, User


def active_badge(active: bool):
    if active:
        return format_html('<span class="badge bg-green-lt">{}</span>', _("启用"))
    return format_html('<span class="badge bg-secondary-lt">{}</span>', _("停用"))


class UserTable(tables.Table):
    username = tables.Column(linkify=True)
    real_name = tables.Column()
    masked_phone = tables.Column(verbose_name=_("手机号"), orderable=False)
    home_unit = tables.Column(order_by=("org_path", "username"))
    roles = tables.Column(verbose_name=_("角色"), orderable=False, empty_values=())
    is_active = tables.Column(verbose_name=_("状态"))
    last_login = tables.DateTimeColumn(verbose_name=_("最近登录"), format="Y-m-d H:i")

    class Meta:
        model = User
        empty_text = _("没有符合条件的用户。")
        fields = (
            "username",
            "real_name",
            "masked_phone",
            "home_unit",
            "roles",
            "is_active",
            "last_login",
        )

    def render_roles(self, record):
        return "、".join(r.name for r in record.roles.all()) or "—"

    def value_roles(self, record):
        return "、".join(r.name for r in record.roles.all())

    def render_is_active(self, value):
        return active_badge(value)

    def value_is_active(self, value):
        return str(_("启用") if value else _("停用"))


class RoleTable(tables.Table):
    name = tables.Column(linkify=True)
    code = tables.Column()
    description = tables.Column(orderable=False)
    permission_count = tables.Column(verbose_name=_("权限数"))
    user_count = tables.Column(verbose_name=_("本辖区持有人"))
    requires_two_factor = tables.BooleanColumn(yesno=(_("须两步验证"), "—"))
    is_builtin = tables.BooleanColumn(yesno=(_("是"), "—"))

    class Meta:
        model = Role
        empty_text = _("没有符合条件的角色。")
        fields = (
            "name",
            "code",
            "description",
            "permission_count",
            "user_count",
            "requires_two_factor",
            "is_builtin",
        )

    def render_description(self, value):
        return value if len(value) <= 40 else value[:40] + "…"
