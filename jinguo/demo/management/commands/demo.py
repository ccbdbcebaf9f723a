"""Load the demo federation 示范市 and one account per role. Safe to run again."""

import os

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from jinguo.accounts.models import Role, User
from jinguo.accounts.services import ensure_default_roles
from jinguo.core import audit
from jinguo.core.context import ActorContext, acting
from jinguo.core.workdays import seed_from_chinese_calendar
from jinguo.demo import (
    cadres,
    cases_data,
    cases_text,
    notices,
    portal,
    protection_data,
    stats_history,
    stats_reports,
    tree,
    volunteers,
)
from jinguo.demo.people_data import load_people
from jinguo.demo.places import load_places
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit

DEMO_PASSWORD = os.environ.get("JINGUO_DEMO_PASSWORD", "Jinguo@2026")
LEVELS = {
    UnitKind.CITY: 2,
    UnitKind.COUNTY: 3,
    UnitKind.TOWNSHIP: 4,
    UnitKind.COMMUNITY: 5,
}


class Command(BaseCommand):
    help = "加载示范数据：示范市妇联组织树和每个默认角色的演示账号（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账号")

    def handle(self, *args, **options):
        with acting(ActorContext(channel="system", request_id="demo")), transaction.atomic():
            ensure_default_roles()
            created_units = self.load_units()
            created_users = self.load_users()
            people = load_people(stdout=self.stdout)
            # Official holidays for the deadline calendar (chinese_calendar knows up to 2026).
            seed_from_chinese_calendar(years=range(2024, timezone.localdate().year + 2))
            # Cases come after the holidays: their deadlines count working days.
            cases = cases_data.load_cases(password=DEMO_PASSWORD, stdout=self.stdout)
            created_users += cases["users"] + cases["agency_users"]
            # Protection comes last: its stories take up the demo's women and violence cases,
            # and its sweeps raise the warnings of everything loaded before.
            protection = protection_data.load_protection(password=DEMO_PASSWORD, stdout=self.stdout)
            created_users += protection["users"]
            stats_history.load_history(stdout=self.stdout)
            created_users += stats_reports.load(DEMO_PASSWORD, self.stdout)
            notices.load_notices(stdout=self.stdout)
            cadres.load_cadres(stdout=self.stdout)
            volunteers.load_volunteers(stdout=self.stdout)
            load_places(stdout=self.stdout)
            portal.load_portal(stdout=self.stdout)
            if (
                created_units
                or created_users
                or people["persons"]
                or cases["cases"]
                or protection["assessments"]
            ):
                audit.record_change(
                    None,
                    OrgUnit.objects.get(code=tree.CITY[0]),
                    "demo_load",
                    units_created=created_units,
                    users_created=created_users,
                    people_created=people,
                    cases_created=cases,
                    protection_created=protection,
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"示范数据已就绪：新建单位 {created_units} 个，新建账号 {created_users} 个，"
                f"人员档案 {people['persons']} 份，家庭 {people['households']} 户，"
                f"走访记录 {people['visits']} 条，合作机构 {cases['agencies']} 家，"
                f"维权个案 {cases['cases']} 件，转介 {cases['referrals']} 次。"
            )
        )
        if not options["quiet_accounts"]:
            self.print_accounts()

    def unit(self, code, name, kind, parent, short_name=""):
        level = LEVELS.get(kind, (parent.level + 1) if parent else 2)
        if kind == UnitKind.GRID or kind not in LEVELS:
            level = parent.level + 1
        obj, created = OrgUnit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short_name,
                "kind": kind,
                "level": level,
                "parent": parent,
                "path": f"{parent.path if parent else ''}{code}/",
                "division_version": "demo",
            },
        )
        return obj, created

    def load_units(self) -> int:
        count = 0
        code, name, short, kind = tree.CITY
        city, created = self.unit(code, name, kind, None, short)
        count += created
        for d_suffix, d_name, streets in tree.DISTRICTS:
            district, created = self.unit(f"{code}{d_suffix}", d_name, UnitKind.COUNTY, city)
            count += created
            for s_suffix, s_name, communities in streets:
                street, created = self.unit(
                    f"{district.code}{s_suffix}", s_name, UnitKind.TOWNSHIP, district
                )
                count += created
                for i, c_name in enumerate(communities, start=1):
                    community, created = self.unit(
                        f"{street.code}{i:03d}", c_name, UnitKind.COMMUNITY, street
                    )
                    count += created
                    for g in range(1, tree.GRIDS.get(community.code, 0) + 1):
                        base = c_name.removesuffix("妇联")
                        _grid, created = self.unit(
                            f"{community.code}G{g:02d}",
                            f"{base}第{'一二三四五六七八九'[g - 1]}网格",
                            UnitKind.GRID,
                            community,
                        )
                        count += created
        for u_code, u_name, u_kind, parent_code in tree.OTHER_UNITS:
            _obj, created = self.unit(u_code, u_name, u_kind, OrgUnit.objects.get(code=parent_code))
            count += created
        return count

    def load_users(self) -> int:
        count = 0
        for username, real_name, unit_code, role_code, title in tree.USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username)
                count += 1
            user.real_name = real_name
            user.title = title
            user.home_unit = OrgUnit.objects.get(code=unit_code)
            user.is_active = True
            user.must_change_password = False
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.roles.set([Role.objects.get(code=role_code)])
        return count

    def print_accounts(self):
        out = self.stdout
        out.write("")
        out.write(f"演示账号（所有账号密码均为 {DEMO_PASSWORD}）：")
        out.write(f"  {'用户名':<10}{'角色':<14}{'姓名':<6}  单位")
        roles = {r.code: r.name for r in Role.objects.all()}
        for username, real_name, unit_code, role_code, _title in (
            tree.USERS
            + cases_data.EXTRA_USERS
            + protection_data.EXTRA_USERS
            + stats_reports.EXTRA_USERS
        ):
            unit = OrgUnit.objects.get(code=unit_code)
            out.write(f"  {username:<12}{roles[role_code]:<12}{real_name:<6}  {unit.name}")
        out.write("")
        out.write("合作机构账号（只能看到转介给本机构的事项）：")
        for row in cases_text.AGENCIES:
            out.write(f"  {row.username:<12}{row.kind.label:<12}{row.real_name:<6}  {row.name}")
        out.write("")
        out.write("登录地址：http://127.0.0.1:8000/accounts/login/")
