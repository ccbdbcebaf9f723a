import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jinguo.orgs.choices import CODE_LENGTH
from jinguo.orgs.models import OrgUnit
from jinguo.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def generate(*args):
    out = io.StringIO()
    call_command("demo_scale", *args, stdout=out)
    return out.getvalue()


def test_generates_exactly_n_units_with_valid_paths(tree):
    generate("--units", "3000")
    units = list(OrgUnit.objects.filter(path__subtree="98/").select_related("parent"))
    assert len(units) == 3000
    by_kind = {}
    for unit in units:
        by_kind[unit.kind] = by_kind.get(unit.kind, 0) + 1
        assert len(unit.code) == CODE_LENGTH[unit.kind]
        if unit.parent is None:
            assert unit.code == "98" and unit.path == "98/"
        else:
            assert unit.path == f"{unit.parent.path}{unit.code}/"
            assert unit.code.startswith(unit.parent.code)
            assert unit.level == unit.parent.level + 1
    assert set(by_kind) == {"province", "city", "county", "township", "community"}
    assert by_kind["community"] > by_kind["township"] > by_kind["county"] > by_kind["city"]
    # The demo city is untouched.
    assert OrgUnit.objects.filter(path__subtree=tree.city.path).count() == 9


def test_refuses_an_existing_root_unless_replace(db):
    generate("--units", "200")
    with pytest.raises(CommandError, match="已存在"):
        generate("--units", "300")
    assert "已删除原有的 200 个单位" in generate("--units", "300", "--replace")
    assert OrgUnit.objects.filter(path__subtree="98/").count() == 300


def test_replace_refuses_when_users_hang_in_the_subtree(db):
    generate("--units", "50")
    UserFactory(home_unit=OrgUnit.objects.get(code="9801"))
    with pytest.raises(CommandError, match="仍被 1 条"):
        generate("--units", "50", "--replace")


def test_root_below_an_existing_province(db):
    generate("--units", "1", "--root", "97")
    generate("--units", "100", "--root", "9702")
    city = OrgUnit.objects.get(code="9702")
    assert city.parent.code == "97"
    assert OrgUnit.objects.filter(path__subtree=city.path).count() == 100
