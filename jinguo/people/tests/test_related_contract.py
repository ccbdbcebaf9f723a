"""The scoping contract for every related model: households, tags, visits, consents, contacts."""

import itertools

from django.urls import reverse
from django.utils import timezone

from jinguo.people.models import (
    Consent,
    ContactAssignment,
    FocusTagType,
    Household,
    PersonTag,
    Visit,
)
from jinguo.people.services import consents, contacts, tags, visits
from jinguo.people.tests.factories import HouseholdFactory, PersonFactory
from jinguo.testing.factories import UserFactory
from jinguo.testing.scoping import ScopedModelContract

_n = itertools.count()


def today() -> str:
    return timezone.localdate().isoformat()


def plain_type() -> FocusTagType:
    return FocusTagType.objects.get(code="left_behind_woman")


class TestHouseholdContract(ScopedModelContract):
    model = Household
    list_url = "people:household_list"
    detail_url = "people:household_detail"
    create_url = "people:household_create"
    update_url = "people:household_update"
    export = True
    api_list_url = "household-list"
    api_detail_url = "household-detail"
    api_create = True
    api_update = True
    extra_permissions = ("orgs.view_orgunit",)

    def make(self, unit):
        return HouseholdFactory(org=unit)

    def export_marker(self, obj):
        return "编号", obj.pk

    def api_data(self, unit) -> dict:
        return {"org": unit.pk, "name": f"李家{next(_n)}"}

    def api_update_data(self, obj) -> dict:
        return {"notes": "已核实"}

    def form_data(self, unit) -> dict:
        return {
            "org": unit.pk,
            "name": f"王家{next(_n)}",
            "address": "江苏省苏州市姑苏区平江路1号",
            "notes": "",
        }

    def update_data(self, obj) -> dict:
        return {"name": f"{obj.name}（改）", "address": "", "notes": "已核实"}


class TestPersonTagContract(ScopedModelContract):
    model = PersonTag
    # The unit tab: every tag due in her subtree ("mine" holds only tags she answers for).
    list_url = "people:review_list_unit"
    create_url = "people:tag_create"
    update_url = "people:tag_update"
    export = True
    api_list_url = "persontag-list"
    api_detail_url = "persontag-detail"
    api_create = True
    api_update = True
    extra_permissions = ("people.view_person",)

    def make(self, unit):
        tag = tags.tag_add(
            user=None,
            person=PersonFactory(org=unit),
            tag_type=plain_type(),
            reason="丈夫外出务工",
            responsible=UserFactory(home_unit=unit),
        )
        # Due for review, so it also shows on the review list.
        PersonTag.objects.filter(pk=tag.pk).update(next_review_on=timezone.localdate())
        tag.refresh_from_db()
        return tag

    def list_marker(self, obj):
        return reverse("people:tag_review", args=[obj.pk])

    def export_marker(self, obj):
        return "责任人", obj.responsible.real_name

    def object_paths(self, obj):
        return [reverse(name, args=[obj.pk]) for name in ("people:tag_review", "people:tag_end")]

    def api_data(self, unit) -> dict:
        return {"person": PersonFactory(org=unit).pk, "tag_type": plain_type().pk}

    def api_update_data(self, obj) -> dict:
        return {"reason": "丈夫常年在外"}

    def form_data(self, unit) -> dict:
        return {
            "person": PersonFactory(org=unit).pk,
            "tag_type": plain_type().pk,
            "since": today(),
            "reason": "丈夫外出务工",
            "responsible": "",
            "review_days": "",
        }

    def update_data(self, obj) -> dict:
        return {"reason": "丈夫常年在外", "responsible": "", "review_days": 60}


class TestVisitContract(ScopedModelContract):
    model = Visit
    list_url = "people:visit_list"
    detail_url = "people:visit_detail"
    create_url = "people:visit_create"
    update_url = "people:visit_update"
    export = True
    api_list_url = "visit-list"
    api_detail_url = "visit-detail"
    api_create = True
    api_update = True
    extra_permissions = ("people.view_person",)

    def make(self, unit):
        return visits.visit_create(
            user=None,
            person=PersonFactory(org=unit),
            situation="家中情况稳定",
            worker=UserFactory(home_unit=unit),
        )

    def export_marker(self, obj):
        return "走访人", obj.worker.real_name

    def api_data(self, unit) -> dict:
        return {"person": PersonFactory(org=unit).pk, "situation": "电话回访，情况稳定。"}

    def api_update_data(self, obj) -> dict:
        return {"met_whom": "本人"}

    def form_data(self, unit) -> dict:
        return {
            "person": PersonFactory(org=unit).pk,
            "household": "",
            "visited_on": today(),
            "method": "home",
            "met_whom": "本人",
            "situation": "家中情况稳定，孩子上学正常。",
            "needs": "",
            "follow_up_on": "",
        }

    def update_data(self, obj) -> dict:
        return {
            "visited_on": today(),
            "method": "phone",
            "met_whom": "",
            "situation": "电话回访，情况稳定。",
            "needs": "",
            "follow_up_on": "",
        }


class TestConsentContract(ScopedModelContract):
    model = Consent
    create_url = "people:consent_create"
    update_url = "people:consent_withdraw"
    api_list_url = "consent-list"
    api_detail_url = "consent-detail"
    api_create = True
    # Consents are withdrawn (POST …/withdraw/, a detail action checked with the others),
    # never edited: no PATCH.
    api_update = False
    extra_permissions = ("people.view_person",)

    def api_data(self, unit) -> dict:
        return {
            "person": PersonFactory(org=unit).pk,
            "purpose": "share_police",
            "method": "written",
        }

    def make(self, unit):
        return consents.consent_record(
            user=None, person=PersonFactory(org=unit), purpose="share_police", method="written"
        )

    def form_data(self, unit) -> dict:
        return {
            "person": PersonFactory(org=unit).pk,
            "purpose": "share_legal_aid",
            "method": "written",
            "given_on": today(),
            "scope": "申请法律援助",
            "guardian_name": "",
            "guardian_relation": "",
        }

    def update_data(self, obj) -> dict:
        return {"withdrawn_on": today(), "reason": "本人要求撤回"}


class TestContactAssignmentContract(ScopedModelContract):
    model = ContactAssignment
    list_url = "people:contact_list"
    create_url = "people:contact_create"
    update_url = "people:contact_update"
    api_list_url = "contactassignment-list"
    api_detail_url = "contactassignment-detail"
    api_create = True
    api_update = True
    extra_permissions = ("people.view_person", "accounts.view_user")

    def make(self, unit):
        return contacts.contact_assign(
            user=None, worker=UserFactory(home_unit=unit), person=PersonFactory(org=unit)
        )

    def row_pk(self, row):
        return row.assignment.pk  # the rows are ContactRow

    def list_marker(self, obj):
        return reverse("people:person_detail", args=[obj.person_id])

    def object_paths(self, obj):
        return [reverse("people:contact_end", args=[obj.pk])]

    def api_data(self, unit) -> dict:
        return {"worker": UserFactory(home_unit=unit).pk, "person": PersonFactory(org=unit).pk}

    def api_update_data(self, obj) -> dict:
        return {"note": "每两周一次"}

    def form_data(self, unit) -> dict:
        return {
            "person": PersonFactory(org=unit).pk,
            "household": "",
            "worker": UserFactory(home_unit=unit).pk,
            "since": today(),
            "visit_every_days": 30,
            "note": "",
        }

    def update_data(self, obj) -> dict:
        return {"visit_every_days": 14, "note": "每两周一次"}
