"""The scoping contract for every served model of the screening concern."""

import itertools

from django.urls import reverse
from django.utils import timezone

from jinguo.protection.models import DisputeEntry, OpinionItem, ScreeningCampaign, ScreeningReport
from jinguo.testing.scoping import CRUD, ScopedModelContract

from .factories_screening import make_campaign, make_entry, make_opinion, make_report

_n = itertools.count(1)


def in_a_week() -> str:
    return (timezone.localdate() + timezone.timedelta(days=7)).isoformat()


class TestScreeningCampaignContract(ScopedModelContract):
    model = ScreeningCampaign
    actions = ("view", "add", "change")
    list_url = "protection:screeningcampaign_list"
    detail_url = "protection:screeningcampaign_detail"
    create_url = "protection:screeningcampaign_create"
    update_url = "protection:screeningcampaign_update"
    export = True
    api_list_url = "screeningcampaign-list"
    api_detail_url = "screeningcampaign-detail"
    api_create = True
    # A campaign is always issued by the issuer's own unit.
    scoped_create = False
    extra_permissions = ("protection.view_screeningreport",)

    def make(self, unit):
        return make_campaign(unit)

    def export_marker(self, obj):
        return "排查主题", obj.title

    def object_paths(self, obj):
        return [reverse("protection:screeningcampaign_export", args=[obj.pk])]

    def form_data(self, unit) -> dict:
        return {
            "title": f"专项排查{next(_n)}",
            "kind": "special",
            "scope": ["violence", "marriage"],
            "targets": "community",
            "due_on": in_a_week(),
            "instructions": "",
        }

    def update_data(self, obj) -> dict:
        return {"title": f"{obj.title}（改）", "due_on": in_a_week(), "instructions": "补充"}

    def api_data(self, unit) -> dict:
        return {
            "title": f"专项排查{next(_n)}",
            "kind": "special",
            "scope": ["violence"],
            "due_on": in_a_week(),
        }


class TestScreeningReportContract(ScopedModelContract):
    model = ScreeningReport
    actions = ("view", "change")
    extra_permissions = ("protection.add_disputeentry",)
    list_url = "protection:screeningreport_list"
    detail_url = "protection:screeningreport_detail"
    export = True
    api_list_url = "screeningreport-list"
    api_detail_url = "screeningreport-detail"

    def make(self, unit):
        return make_report(unit, campaign=make_campaign(unit.parent))

    def export_marker(self, obj):
        return "排查主题", obj.campaign.title

    def object_paths(self, obj):
        return [reverse("protection:disputeentry_create", args=[obj.pk])]


class TestDisputeEntryContract(ScopedModelContract):
    model = DisputeEntry
    actions = CRUD
    extra_permissions = ("protection.view_screeningreport", "protection.change_screeningreport")
    list_url = "protection:disputeentry_list"
    detail_url = "protection:disputeentry_detail"
    create_url = "protection:disputeentry_create"
    update_url = "protection:disputeentry_update"
    delete_url = "protection:disputeentry_delete"
    export = True
    api_list_url = "disputeentry-list"
    api_detail_url = "disputeentry-detail"
    api_create = True
    api_update = True
    api_delete = True

    def make(self, unit):
        return make_entry(unit)

    def export_marker(self, obj):
        return "编号", obj.pk

    def create_request(self, unit):
        report = make_report(unit, campaign=make_campaign(unit.parent))
        return reverse(self.create_url, args=[report.pk]), self.form_data(unit)

    def form_data(self, unit) -> dict:
        return {
            "kind": "neighbour",
            "risk": "low",
            "found_on": timezone.localdate().isoformat(),
            "parties": "王某与赵某",
            "description": f"楼道堆物争吵{next(_n)}",
            "action_taken": "",
        }

    def update_data(self, obj) -> dict:
        return {**self.form_data(obj.org), "status": "resolved", "action_taken": "已劝解"}

    def api_create_request(self, unit):
        report = make_report(unit, campaign=make_campaign(unit.parent))
        return self.api_list_path(), {**self.form_data(unit), "report": report.pk}

    def api_update_data(self, obj) -> dict:
        return {"action_taken": "已劝解"}


class TestOpinionItemContract(ScopedModelContract):
    model = OpinionItem
    actions = ("view", "add", "change")
    list_url = "protection:opinionitem_list"
    detail_url = "protection:opinionitem_detail"
    create_url = "protection:opinionitem_create"
    update_url = "protection:opinionitem_update"
    export = True
    api_list_url = "opinionitem-list"
    api_detail_url = "opinionitem-detail"
    api_create = True
    api_update = True
    # An item is always logged by the recorder's own unit.
    scoped_create = False

    def make(self, unit):
        return make_opinion(unit)

    def export_marker(self, obj):
        return "标题", obj.title

    def object_paths(self, obj):
        return [reverse("protection:opinionitem_close", args=[obj.pk])]

    def form_data(self, unit) -> dict:
        return {
            "title": f"网帖反映家暴求助{next(_n)}",
            "source": "online",
            "occurred_on": timezone.localdate().isoformat(),
            "level": "general",
            "summary": "论坛帖子",
            "case_numbers": "",
            "handling": "",
        }

    def api_data(self, unit) -> dict:
        return {
            "title": f"网帖反映家暴求助{next(_n)}",
            "source": "online",
            "occurred_on": timezone.localdate().isoformat(),
            "level": "general",
            "summary": "论坛帖子",
        }

    def api_update_data(self, obj) -> dict:
        return {"handling": "已联系属地妇联核实"}
