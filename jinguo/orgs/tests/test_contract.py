import itertools

from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.testing.scoping import ScopedModelContract
from jinguo.testing.tree import make_unit

_numbers = itertools.count(10)


class TestOrgUnitScoping(ScopedModelContract):
    """A unit "belongs" to its parent: its scope is decided by where it hangs in the tree."""

    model = OrgUnit
    list_url = "orgs:orgunit_list"
    detail_url = "orgs:orgunit_detail"
    create_url = "orgs:orgunit_create"
    update_url = "orgs:orgunit_update"
    export = True
    api_list_url = "orgunit-list"
    api_detail_url = "orgunit-detail"
    api_create = True
    api_update = True

    def make(self, unit):
        n = next(_numbers)
        return make_unit(f"{unit.code}G{n}", f"第{n}网格", UnitKind.GRID, unit)

    def unit_of(self, obj):
        return obj.parent

    def export_marker(self, obj):
        return "代码", obj.code

    def api_data(self, unit) -> dict:
        n = next(_numbers)
        return {
            "parent": unit.pk,
            "kind": UnitKind.GRID,
            "code": f"{unit.code}G{n}",
            "name": f"第{n}网格",
        }

    def api_update_data(self, obj) -> dict:
        return {"name": f"{obj.name}（更名）"}

    def form_data(self, unit) -> dict:
        n = next(_numbers)
        return {
            "parent": unit.pk,
            "kind": UnitKind.GRID,
            "code": f"{unit.code}G{n}",
            "name": f"新建第{n}网格",
            "short_name": "",
            "phone": "",
            "address": "",
        }

    def update_data(self, obj) -> dict:
        return {
            "name": f"{obj.name}（更名）",
            "short_name": "",
            "phone": "0512-12345678",
            "address": "",
            "is_active": "on",
        }
