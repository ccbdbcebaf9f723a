"""The scoping contract for places, at every page and API door."""

import itertools

from django.urls import reverse

from jinguo.places.models import Place
from jinguo.places.tests.factories import kind, make_place
from jinguo.testing.scoping import ScopedModelContract

_n = itertools.count(1)


class TestPlaceContract(ScopedModelContract):
    model = Place
    list_url = "places:place_list"
    detail_url = "places:place_detail"
    create_url = "places:place_create"
    update_url = "places:place_update"
    export = True
    api_list_url = "place-list"
    api_detail_url = "place-detail"
    extra_permissions = ("orgs.view_orgunit", "places.check_place", "places.add_placeactivity")

    def make(self, unit):
        return make_place(unit, name=f"妇女之家{next(_n)}")

    def object_paths(self, obj):
        return [
            reverse("places:place_check", args=[obj.pk]),
            reverse("places:activity_add", args=[obj.pk]),
            reverse("places:photo_add", args=[obj.pk]),
        ]

    def export_marker(self, obj):
        return "名称", obj.name

    def form_data(self, unit) -> dict:
        return {
            "org": unit.pk,
            "kind": kind().pk,
            "name": f"新阵地{next(_n)}",
            "address": "杏林路2号",
            "opening_hours": "每天 8:30-17:30",
            "phone": "12338",
            "is_active": "on",
            "is_public": "on",
        }

    def update_data(self, obj) -> dict:
        data = self.form_data(obj.org)
        data.pop("org")
        data.pop("kind")
        return data
