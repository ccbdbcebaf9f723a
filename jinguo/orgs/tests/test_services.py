import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jinguo.accounts.models import User
from jinguo.core.models import AuditEvent
from jinguo.orgs import services
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.testing.factories import UserFactory, grant, user_with_role
from jinguo.testing.tree import make_unit

pytestmark = pytest.mark.django_db


def messages(exc: ValidationError) -> dict[str, str]:
    return {field: " ".join(errors) for field, errors in exc.message_dict.items()}


@pytest.fixture
def district_admin(tree):
    """Manages the units of 和平区 only."""
    user = UserFactory(home_unit=tree.district_a, real_name="区管理员")
    grant(
        user,
        "orgs.view_orgunit",
        "orgs.add_orgunit",
        "orgs.change_orgunit",
        "orgs.move_orgunit",
    )
    return user


def create(user, parent, **overrides):
    values = {
        "parent": parent,
        "code": "990101009",
        "name": "新苑街道妇联",
        "kind": UnitKind.TOWNSHIP,
    }
    values.update(overrides)
    return services.orgunit_create(user=user, **values)


def test_create_in_own_subtree_sets_path_level_and_audits(tree, district_admin):
    unit = create(district_admin, tree.district_a, short_name="新苑街道", phone="0512-6688 1234")
    assert unit.path == "9901/990101/990101009/"
    assert unit.level == tree.district_a.level + 1
    event = AuditEvent.objects.get(action="create", object_id=str(unit.pk))
    assert event.user_id == district_admin.pk
    assert event.after["code"] == "990101009"
    assert event.object_org_path == unit.path


def test_create_outside_own_subtree_is_refused(tree, district_admin):
    with pytest.raises(ValidationError) as err:
        create(district_admin, tree.district_b, code="990102009")
    assert "不在您的管辖范围内" in messages(err.value)["parent"]
    assert not OrgUnit.objects.filter(code="990102009").exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_create_without_permission_is_refused(tree, district_officer):
    with pytest.raises(PermissionDenied):
        create(district_officer, tree.district_a)


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"code": "9901-01"}, "code", "只能包含数字和英文字母"),
        ({"code": "9901 01009"}, "code", "只能包含数字和英文字母"),
        ({"code": "99010100"}, "code", "应为 9 位数字"),
        ({"code": "99010A009"}, "code", "应为 9 位数字"),
        ({"code": "990102009"}, "code", "应以上级单位的代码 990101 开头"),
        ({"code": "990101001"}, "code", "已被其他单位使用"),
        ({"code": ""}, "code", "请填写代码"),
        ({"name": ""}, "name", "请填写名称"),
        ({"name": "长" * 101}, "name", "不能超过 100 个字符"),
        ({"name": "春晖街道妇联", "code": "990101008"}, "name", "已有名为“春晖街道妇联”"),
        (
            {"kind": UnitKind.COMMUNITY, "code": "990101009001"},
            "kind",
            "只能设在乡镇（街道）妇联之下",
        ),
        ({"kind": "planet"}, "kind", "有效的单位类型"),
        ({"phone": "call me"}, "phone", "联系电话格式不正确"),
    ],
)
def test_create_validation_messages(tree, district_admin, overrides, field, text):
    with pytest.raises(ValidationError) as err:
        create(district_admin, tree.district_a, **overrides)
    assert text in messages(err.value)[field]


def test_non_territorial_units_take_letters_in_their_code(tree, district_admin):
    unit = create(
        district_admin, tree.district_a, code="990101E09", name="和平医院妇联", kind="enterprise"
    )
    assert unit.path == "9901/990101/990101E09/"
    grid = create(
        district_admin, tree.community_a, code="990101001001G09", name="第九网格", kind="grid"
    )
    assert grid.level == tree.community_a.level + 1


def test_update_changes_names_but_never_the_code(tree, district_admin):
    unit = services.orgunit_update(
        user=district_admin,
        unit=tree.street_a,
        name="春晖街道妇女联合会",
        short_name="春晖",
        phone="13800138000",
        address="春晖路 1 号",
    )
    assert unit.code == "990101001"
    assert unit.name == "春晖街道妇女联合会"
    event = AuditEvent.objects.get(action="update", object_id=str(unit.pk))
    assert event.before == {
        "name": "春晖街道妇联",
        "short_name": "",
        "phone": "",
        "address": "",
        "updated_at": event.before["updated_at"],
    }
    assert event.after["name"] == "春晖街道妇女联合会"


def test_update_without_changes_writes_no_audit_row(tree, district_admin):
    services.orgunit_update(user=district_admin, unit=tree.street_a, name=tree.street_a.name)
    assert not AuditEvent.objects.filter(action="update").exists()


def test_unit_with_active_children_cannot_be_deactivated(tree, district_admin):
    with pytest.raises(ValidationError) as err:
        services.orgunit_update(
            user=district_admin, unit=tree.street_a, name=tree.street_a.name, is_active=False
        )
    assert "2 个启用的下级单位" in messages(err.value)["is_active"]


def test_unit_with_active_users_cannot_be_deactivated(tree, district_admin, community_chair):
    services.orgunit_update(
        user=district_admin, unit=tree.grid_a, name=tree.grid_a.name, is_active=False
    )
    with pytest.raises(ValidationError) as err:
        services.orgunit_update(
            user=district_admin, unit=tree.community_a, name=tree.community_a.name, is_active=False
        )
    assert "1 个启用的用户账号" in messages(err.value)["is_active"]


def test_update_outside_scope_is_refused(tree, district_admin):
    with pytest.raises(ValidationError):
        services.orgunit_update(user=district_admin, unit=tree.street_b, name="改名")
    tree.street_b.refresh_from_db()
    assert tree.street_b.name == "明德街道妇联"


def test_move_rewrites_paths_levels_and_org_paths(tree, sysadmin, community_chair):
    grid_worker = user_with_role(tree.grid_a, "grid_worker")
    # A unit whose code extends street_a's code but which is not inside it: must not move.
    trap = make_unit("9901010011", "春晖商圈区域妇联", UnitKind.AREA, tree.district_a)
    trap_user = UserFactory(home_unit=trap)

    moved = services.orgunit_move(
        user=sysadmin, unit=tree.street_a, new_parent=tree.district_b, reason="区划调整"
    )

    assert moved.parent_id == tree.district_b.pk
    assert moved.path == "9901/990102/990101001/"
    paths = dict(OrgUnit.objects.filter(path__subtree=moved.path).values_list("code", "path"))
    assert paths == {
        "990101001": "9901/990102/990101001/",
        "990101001001": "9901/990102/990101001/990101001001/",
        "990101001002": "9901/990102/990101001/990101001002/",
        "990101001001G01": "9901/990102/990101001/990101001001/990101001001G01/",
    }
    community_chair.refresh_from_db()
    grid_worker.refresh_from_db()
    assert community_chair.org_path == "9901/990102/990101001/990101001001/"
    assert grid_worker.org_path == "9901/990102/990101001/990101001001/990101001001G01/"
    trap.refresh_from_db()
    trap_user.refresh_from_db()
    assert trap.path == "9901/990101/9901010011/"
    assert trap_user.org_path == trap.path
    # Scope follows the move: 新华区's officer now sees 芳草社区; 和平区's no longer does.
    xinhua = user_with_role(tree.district_b, "rights_officer")
    heping = user_with_role(tree.district_a, "rights_officer")
    assert OrgUnit.objects.restrict(xinhua).filter(pk=tree.community_a.pk).exists()
    assert not OrgUnit.objects.restrict(heping).filter(pk=tree.community_a.pk).exists()
    assert User.objects.restrict(xinhua).filter(pk=community_chair.pk).exists()

    event = AuditEvent.objects.get(action="move", object_id=str(moved.pk))
    assert event.before["parent_id"] == tree.district_a.pk
    assert event.after["path"] == "9901/990102/990101001/"
    assert event.detail["units"] == 4
    # The statistics' summary rows move with the units too (jinguo.stats keeps them by path).
    records = {k: v for k, v in event.detail["records"].items() if not k.startswith("stats.")}
    assert records == {"accounts.user.org_path": 2}
    assert event.detail["reason"] == "区划调整"


def test_move_changes_levels_of_the_whole_subtree(tree, sysadmin):
    area = make_unit("9901Q09", "示范高新区区域妇联", UnitKind.AREA, tree.city)
    firm = make_unit("9901Q09E01", "高新科技公司妇联", UnitKind.ENTERPRISE, area)
    services.orgunit_move(user=sysadmin, unit=area, new_parent=tree.street_a)
    area.refresh_from_db()
    firm.refresh_from_db()
    assert (area.level, firm.level) == (tree.street_a.level + 1, tree.street_a.level + 2)
    assert firm.path == "9901/990101/990101001/9901Q09/9901Q09E01/"


def test_move_into_own_subtree_is_refused(tree, sysadmin):
    area = make_unit("9901Q09", "示范高新区区域妇联", UnitKind.AREA, tree.city)
    inner = make_unit("9901Q09E01", "高新科技公司妇联", UnitKind.ENTERPRISE, area)
    for target in (area, inner):
        with pytest.raises(ValidationError) as err:
            services.orgunit_move(user=sysadmin, unit=area, new_parent=target)
        assert "它自己或它的下级单位" in messages(err.value)["new_parent"]
    area.refresh_from_db()
    assert area.path == "9901/9901Q09/"


def test_move_checks_placement_and_scope(tree, sysadmin, district_admin):
    with pytest.raises(ValidationError) as err:
        services.orgunit_move(user=sysadmin, unit=tree.community_a, new_parent=tree.district_b)
    assert "只能设在乡镇（街道）妇联之下" in messages(err.value)["new_parent"]
    with pytest.raises(ValidationError) as err:
        services.orgunit_move(user=district_admin, unit=tree.community_a, new_parent=tree.street_b)
    assert "不在您的管辖范围内" in messages(err.value)["new_parent"]
    with pytest.raises(ValidationError) as err:
        services.orgunit_move(user=sysadmin, unit=tree.community_a, new_parent=tree.street_a)
    assert "已经在这个上级单位之下" in messages(err.value)["new_parent"]
    assert not AuditEvent.objects.filter(action="move").exists()


def test_move_without_permission_is_refused(tree, district_officer):
    with pytest.raises(PermissionDenied):
        services.orgunit_move(
            user=district_officer, unit=tree.community_a2, new_parent=tree.street_a
        )


def test_path_fields_of_every_scoped_model_are_found():
    found = {f"{m._meta.label_lower}.{f.name}" for m, f in services.scoped_path_fields()}
    assert "accounts.user.org_path" in found
    assert not any(name.startswith("orgs.orgunit") for name in found)
