import itertools

from jinguo.people.models import Person
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.scoping import ScopedModelContract

_numbers = itertools.count(1)


class TestPersonScoping(ScopedModelContract):
    model = Person
    list_url = "people:person_list"
    detail_url = "people:person_detail"
    create_url = "people:person_create"
    update_url = "people:person_update"
    export = True
    api_list_url = "person-list"
    api_detail_url = "person-detail"
    api_create = True
    api_update = True
    # Placing a person in a unit needs the unit to be visible (orgs.view_orgunit).
    extra_permissions = ("orgs.view_orgunit",)

    def make(self, unit):
        return PersonFactory(org=unit, name=f"测试{next(_numbers)}号")

    def export_marker(self, obj):
        return "编号", obj.pk

    def api_data(self, unit) -> dict:
        return {"org": unit.pk, "name": f"接口{next(_numbers)}号", "gender": "F", "id_type": "none"}

    def api_update_data(self, obj) -> dict:
        return {"notes": "电话回访，情况稳定", "version": obj.version}

    def form_data(self, unit) -> dict:
        n = next(_numbers)
        return {
            "name": f"新建{n}号",
            "gender": "F",
            "birth_date": "",
            "id_type": "none",
            "id_number": "",
            "ethnicity": "汉族",
            "nationality": "中国",
            "phone": "",
            "phone2": "",
            "address": "",
            "org": unit.pk,
            "registration": "local",
            "origin_place": "",
            "living_situation": "family",
            "marital_status": "unknown",
            "education": "unknown",
            "employment": "unknown",
            "disability": "none",
            "health_notes": "",
            "notes": "",
        }

    def update_data(self, obj) -> dict:
        return {**self.form_data(obj.org), "version": obj.version}
