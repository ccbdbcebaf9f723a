"""The scoping contract of every cadres record, in the UI and the API."""

import itertools

from django.urls import reverse
from django.utils import timezone

from jinguo.cadres.models import (
    Attendance,
    ContactPoint,
    ContactVisit,
    Election,
    Pairing,
    PairingContact,
    Position,
    Qualification,
    Training,
)
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.scoping import ScopedModelContract

from .factories import (
    make_election,
    make_pairing,
    make_point,
    make_position,
    make_training,
    make_visit,
    position_type,
)

_n = itertools.count(1)
TODAY = timezone.localdate


class TestPositionContract(ScopedModelContract):
    model = Position
    extra_permissions = ("people.view_person", "orgs.view_orgunit")
    list_url = "cadres:position_list"
    detail_url = "cadres:position_detail"
    create_url = "cadres:position_create"
    update_url = "cadres:position_update"
    export = True
    api_list_url = "cadres-position-list"
    api_detail_url = "cadres-position-detail"

    def make(self, unit):
        return make_position(unit, person=PersonFactory(org=unit, name=f"任职人{next(_n)}"))

    def object_paths(self, obj):
        from django.urls import reverse

        return [reverse("cadres:position_card", args=[obj.pk])]

    def export_marker(self, obj):
        return "编号", obj.pk

    def form_data(self, unit):
        return {
            "org": unit.pk,
            "person": PersonFactory(org=unit).pk,
            "position_type": position_type("executive").pk,
            "started_on": TODAY().isoformat(),
        }

    def update_data(self, obj):
        return {
            "position_type": obj.position_type_id,
            "started_on": obj.started_on.isoformat(),
            "helps_with": "婚姻家庭纠纷调解",
        }


class TestElectionContract(ScopedModelContract):
    model = Election
    extra_permissions = ("orgs.view_orgunit",)
    list_url = "cadres:election_list"
    detail_url = "cadres:election_detail"
    create_url = "cadres:election_create"
    export = True
    api_list_url = "cadres-election-list"
    api_detail_url = "cadres-election-detail"

    def make(self, unit):
        return make_election(unit)

    def export_marker(self, obj):
        return "编号", obj.pk

    def form_data(self, unit):
        return {
            "org": unit.pk,
            "held_on": TODAY().isoformat(),
            "method": "competitive",
            "term_starts_on": TODAY().isoformat(),
            "term_years": "5",
        }


class TestContactPointContract(ScopedModelContract):
    model = ContactPoint
    extra_permissions = ("people.view_person", "orgs.view_orgunit")
    list_url = "cadres:point_list"
    detail_url = "cadres:point_detail"
    create_url = "cadres:point_create"
    export = True

    def make(self, unit):
        return make_point(unit)

    def export_marker(self, obj):
        return "编号", obj.pk

    def form_data(self, unit):
        return {
            "org": unit.pk,
            "place": unit.pk,
            "cadre_person": PersonFactory(org=unit).pk,
            "visit_every_days": "30",
            "since": TODAY().isoformat(),
        }


class TestContactVisitContract(ScopedModelContract):
    model = ContactVisit
    api_list_url = "cadres-visit-list"
    api_detail_url = "cadres-visit-detail"
    api_create = True
    extra_permissions = ("cadres.view_contactpoint", "cadres.change_contactpoint")

    def make(self, unit):
        return make_visit(unit)

    def api_data(self, unit):
        return {
            "point": make_point(unit).pk,
            "visited_on": TODAY().isoformat(),
            "findings": "了解了妇女就业需求",
        }


class TestPairingContract(ScopedModelContract):
    model = Pairing
    extra_permissions = ("people.view_person", "people.view_household", "orgs.view_orgunit")
    list_url = "cadres:pairing_list"
    create_url = "cadres:pairing_create"
    export = True

    def make(self, unit):
        return make_pairing(unit)

    def list_marker(self, obj):
        return None

    def export_marker(self, obj):
        return "编号", obj.pk

    def form_data(self, unit):
        return {
            "org": unit.pk,
            "cadre": PersonFactory(org=unit).pk,
            "woman": PersonFactory(org=unit, gender="F").pk,
            "year": str(TODAY().year),
        }


class TestTrainingContract(ScopedModelContract):
    model = Training
    extra_permissions = ("orgs.view_orgunit",)
    list_url = "cadres:training_list"
    detail_url = "cadres:training_detail"
    create_url = "cadres:training_create"
    export = True
    api_list_url = "cadres-training-list"
    api_detail_url = "cadres-training-detail"

    def make(self, unit):
        return make_training(unit)

    def export_marker(self, obj):
        return "编号", obj.pk

    def form_data(self, unit):
        return {
            "org": unit.pk,
            "topic": "反家暴法培训",
            "kind": "rights",
            "starts_on": TODAY().isoformat(),
            "ends_on": TODAY().isoformat(),
            "hours": "4",
        }


class TestQualificationContract(ScopedModelContract):
    model = Qualification
    extra_permissions = ("people.view_person", "orgs.view_orgunit")
    list_url = "cadres:qualification_list"
    create_url = "cadres:qualification_create"
    export = True

    def make(self, unit):
        return Qualification.objects.create(
            org=unit, person=PersonFactory(org=unit), kind="mediator", number=f"TJ{next(_n)}"
        )

    def list_marker(self, obj):
        return None

    def export_marker(self, obj):
        return "编号", obj.pk

    def form_data(self, unit):
        return {"org": unit.pk, "person": PersonFactory(org=unit).pk, "kind": "mediator"}


class TestPairingContactContract(ScopedModelContract):
    """A pairing's contact rows: written from the pairing's own contact page."""

    model = PairingContact
    extra_permissions = ("cadres.view_pairing", "cadres.change_pairing", "people.view_person")
    create_url = "cadres:pairing_contact"

    def make(self, unit):
        pairing = make_pairing(unit)
        return PairingContact.objects.create(pairing=pairing, org=unit, note="谈心")

    def create_request(self, unit):
        pairing = make_pairing(unit)
        data = {"contacted_on": TODAY().isoformat(), "way": "in_person", "note": "上门谈心"}
        return reverse(self.create_url, args=[pairing.pk]), data

    def object_paths(self, obj):
        return [reverse(self.create_url, args=[obj.pairing_id])]


class TestAttendanceContract(ScopedModelContract):
    """A training's attendees: added on the training's page."""

    model = Attendance
    extra_permissions = ("cadres.view_training", "cadres.change_training", "people.view_person")
    create_url = "cadres:training_detail"
    api_list_url = "cadres-training-record-list"
    api_detail_url = "cadres-training-record-detail"

    def make(self, unit):
        training = make_training(unit)
        return Attendance.objects.create(
            training=training, org=unit, person=PersonFactory(org=unit)
        )

    def create_request(self, unit):
        training = make_training(unit)
        data = {"person": PersonFactory(org=unit).pk, "completed": "on", "certificate_no": "C-1"}
        return reverse(self.create_url, args=[training.pk]), data

    def object_paths(self, obj):
        return [reverse(self.create_url, args=[obj.training_id])]
