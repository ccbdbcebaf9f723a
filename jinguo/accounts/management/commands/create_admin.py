"""Create the first system administrator of a new installation."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jinguo.accounts.models import Role, User
from jinguo.accounts.passwords import generate_password
from jinguo.accounts.services import ensure_default_roles
from jinguo.accounts.services.common import security_event
from jinguo.core.context import ActorContext, acting
from jinguo.orgs.models import OrgUnit


class Command(BaseCommand):
    help = "创建系统管理员账号（新部署的第一个账号）；临时密码只显示一次，首次登录须修改。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", required=True, help="真实姓名")
        parser.add_argument("--unit", required=True, help="所在单位代码，通常是本级妇联的根单位")

    def handle(self, *args, username, name, unit, **options):
        home = OrgUnit.objects.filter(code=unit).first()
        if home is None:
            raise CommandError(
                f"找不到代码为 {unit} 的单位：请先导入区划代码（import_divisions）。"
            )
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户名 {username} 已存在。")
        with (
            acting(ActorContext(channel="system", request_id="create_admin")),
            transaction.atomic(),
        ):
            ensure_default_roles()
            user = User(
                username=username, real_name=name, home_unit=home, must_change_password=True
            )
            password = generate_password(user=user)
            user.set_password(password)
            user.save()
            user.roles.set([Role.objects.get(code="sysadmin")])
            security_event(actor=None, action="admin_bootstrap", target=user, roles=["sysadmin"])
        self.stdout.write(self.style.SUCCESS(f"已创建系统管理员 {username}（{home.name}）。"))
        self.stdout.write(f"临时密码（只显示这一次）：{password}")
        self.stdout.write("首次登录后须立即修改密码。")
