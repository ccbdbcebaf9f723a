"""Factories for tests, benchmarks and demo data, all in one place."""

import factory
from django.contrib.auth.models import Permission

from jinguo.accounts.models import Role, User
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit

TEST_PASSWORD = "Jinguo#Test2026"  # noqa: S105


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"T{n:06d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.COMMUNITY
    level = factory.LazyAttribute(lambda o: (o.parent.level + 1) if o.parent else 1)
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path if o.parent else ''}{o.code}/")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    code = factory.Sequence(lambda n: f"role-{n}")
    name = factory.Sequence(lambda n: f"测试角色{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"测试用户{n}")
    home_unit = factory.SubFactory(OrgUnitFactory)
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(extracted)


def permission(name: str) -> Permission:
    app_label, codename = name.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def grant(user: User, *names: str) -> Role:
    """Give a user an ad-hoc role holding exactly these permissions."""
    role = RoleFactory()
    role.permissions.set([permission(n) for n in names])
    user.roles.add(role)
    if hasattr(user, "_jinguo_perms"):
        del user._jinguo_perms
    return role


def user_with_role(unit: OrgUnit, role_code: str, **kwargs) -> User:
    user = UserFactory(home_unit=unit, **kwargs)
    user.roles.add(Role.objects.get(code=role_code))
    return user
