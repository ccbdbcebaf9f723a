"""The scoping contract of every volunteers and councils record, in the UI."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.scoping import ScopedModelContract
from jinguo.volunteers.models import (
    Activity,
    CarePairing,
    Council,
    Meeting,
    Participation,
    Resolution,
    Team,
    Volunteer,
)

from .factories import (
    make_activity,
    make_council,
    make_meeting,
    make_pairing,
    make_participation,
    make_resolution,
    make_team,
    make_volunteer,
)

TODAY = timezone.localdate


class TestTeamContract(ScopedModelContract):
    model = Team
    api_list_url = "volunteers-team-list"
    api_detail_url = "volunteers-team-detail"
    extra_permissions = ("orgs.view_orgunit",)
    list_url = "volunteers:team_list"
    detail_url = "volunteers:team_detail"
    create_url = "volunteers:team_create"
    update_url = "volunteers:team_update"
    export = True

    def make(self, unit):
        return make_team(unit)

    def export_marker(self, obj):
        return "编号", obj.pk

    def form_data(self, unit):
        return {"org": unit.pk, "name": "巾帼志愿服务队"}

    def update_data(self, obj):
        return {"name": "巾帼志愿服务队（改）", "purpose": "助老"}


class TestVolunteerContract(ScopedModelContract):
    model = Volunteer
    api_list_url = "volunteers-volunteer-list"
    api_detail_url = "volunteers-volunteer-detail"
    api_create = True
    extra_permissions = ("people.view_person", "volunteers.view_team")
    list_url = "volunteers:volunteer_list"
    detail_url = "volunteers:volunteer_detail"
    create_url = "volunteers:volunteer_create"
    export = True

    def make(self, unit):
        return make_volunteer(unit)

    def object_paths(self, obj):
        return [reverse("volunteers:volunteer_certificate", args=[obj.pk])]

    def export_marker(self, obj):
        return "编号", obj.pk

    def form_data(self, unit):
        return {
            "team": make_team(unit).pk,
            "person": PersonFactory(org=unit).pk,
            "skills": "心理咨询",
            "consent": "on",
        }

    def api_data(self, unit):
        return {**self.form_data(unit), "consent": True}


class TestActivityContract(ScopedModelContract):
    model = Activity
    api_list_url = "volunteers-activity-list"
    api_detail_url = "volunteers-activity-detail"
    extra_permissions = ("volunteers.view_team", "volunteers.change_team")
    list_url = "volunteers:activity_list"
    detail_url = "volunteers:activity_detail"
    create_url = "volunteers:activity_create"
    update_url = "volunteers:activity_update"
    export = True

    def make(self, unit):
        return make_activity(unit)

    def update_data(self, obj):
        return {"held_on": TODAY().isoformat(), "title": "改期的宣传活动", "capacity": "15"}

    def export_marker(self, obj):
        return "编号", obj.pk

    def form_data(self, unit):
        return {
            "team": make_team(unit).pk,
            "held_on": TODAY().isoformat(),
            "title": "反家暴宣传进社区",
            "capacity": "15",
        }


class TestParticipationContract(ScopedModelContract):
    """Reached only through its activity's page: the hours form is its one door."""

    model = Participation
    api_list_url = "volunteers-signup-list"
    api_detail_url = "volunteers-signup-detail"
    update_url = "volunteers:hours"
    update_has_form = False

    def make(self, unit):
        return make_participation(unit)

    def update_data(self, obj):
        return {"attended": "on", "hours": "2.5"}


class TestCarePairingContract(ScopedModelContract):
    model = CarePairing
    api_list_url = "volunteers-pairing-list"
    api_detail_url = "volunteers-pairing-detail"
    # The children are minors, whose records are sensitive: the pairing is seen only by
    # who may see the child (see test_care_pairings for a user who may not).
    extra_permissions = ("people.view_person", "volunteers.view_volunteer", "core.view_sensitive")
    list_url = "volunteers:pairing_list"
    create_url = "volunteers:pairing_create"
    export = True

    def make(self, unit):
        return make_pairing(unit)

    def list_marker(self, obj):
        return None

    def export_marker(self, obj):
        return "编号", obj.pk

    def form_data(self, unit):
        return {
            "volunteer": make_volunteer(unit).pk,
            "child": PersonFactory(org=unit, name="小明", birth_date=date(2016, 3, 1)).pk,
            "since": TODAY().isoformat(),
        }


class TestCouncilContract(ScopedModelContract):
    model = Council
    api_list_url = "volunteers-council-list"
    api_detail_url = "volunteers-council-detail"
    extra_permissions = ("orgs.view_orgunit", "people.view_person")
    list_url = "volunteers:council_list"
    detail_url = "volunteers:council_detail"
    create_url = "volunteers:council_create"
    export = True

    def make(self, unit):
        return Council.objects.create(org=unit, name=f"{unit.name}妇女议事会")

    def export_marker(self, obj):
        return "编号", obj.pk

    def form_data(self, unit):
        return {"org": unit.pk, "name": ""}


class TestMeetingContract(ScopedModelContract):
    model = Meeting
    api_list_url = "volunteers-meeting-list"
    api_detail_url = "volunteers-meeting-detail"
    extra_permissions = ("volunteers.view_council", "volunteers.change_council")
    detail_url = "volunteers:meeting_detail"
    create_url = "volunteers:meeting_create"
    update_url = "volunteers:meeting_update"

    def make(self, unit):
        return make_meeting(unit)

    def update_data(self, obj):
        return {"topics": "老旧小区加装电梯", "discussion": "补记"}

    def create_request(self, unit):
        council = make_council(unit)
        return reverse(self.create_url, args=[council.pk]), {
            "held_on": TODAY().isoformat(),
            "topics": "老旧小区加装电梯",
        }


class TestResolutionContract(ScopedModelContract):
    model = Resolution
    api_list_url = "volunteers-resolution-list"
    api_detail_url = "volunteers-resolution-detail"
    list_url = "volunteers:resolution_list"
    update_url = "volunteers:followup_add"
    update_has_form = False
    export = True

    def make(self, unit):
        return make_resolution(unit)

    def list_marker(self, obj):
        return obj.text

    def export_marker(self, obj):
        return "编号", obj.pk

    def update_data(self, obj):
        return {"note": "已与物业沟通"}
