import itertools

from jinguo.accounts.models import User
from jinguo.testing.factories import UserFactory
from jinguo.testing.scoping import ScopedModelContract

_numbers = itertools.count()


class TestUserContract(ScopedModelContract):
    model = User
    list_url = "accounts:user_list"
    detail_url = "accounts:user_detail"
    create_url = "accounts:user_create"
    update_url = "accounts:user_update"
    export = True
    api_list_url = "user-list"
    api_detail_url = "user-detail"
    api_create = True
    api_update = True
    # Opening accounts needs core.manage_users; placing one in a unit needs to see the units.
    extra_permissions = ("core.manage_users", "orgs.view_orgunit")

    def make(self, unit):
        return UserFactory(home_unit=unit)

    def unit_of(self, obj):
        return obj.home_unit

    def export_marker(self, obj):
        return "用户名", obj.username

    def api_data(self, unit) -> dict:
        return {"username": f"api{next(_numbers)}", "real_name": "接口测试", "home_unit": unit.pk}

    def api_update_data(self, obj) -> dict:
        return {"title": "妇联执委"}

    def form_data(self, unit) -> dict:
        return {
            "username": f"contract{next(_numbers)}",
            "real_name": "合同测试",
            "phone": "13800138000",
            "title": "执委",
            "home_unit": unit.pk,
            "is_active": "on",
        }
