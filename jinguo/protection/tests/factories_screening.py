"""Factories of the screening concern's tests."""

import datetime
import itertools

from django.utils import timezone

from jinguo.protection.choices import (
    CampaignKind,
    CampaignTargets,
    DisputeKind,
    DisputeRisk,
    OpinionLevel,
    OpinionSource,
)
from jinguo.protection.models import DisputeEntry, OpinionItem, ScreeningCampaign, ScreeningReport
from jinguo.testing.factories import UserFactory

_n = itertools.count(1)


def make_campaign(org, *, issued_by=None, due_in=7, **kw) -> ScreeningCampaign:
    kw.setdefault("title", f"春节前矛盾纠纷专项排查{next(_n)}")
    kw.setdefault("kind", CampaignKind.SPECIAL)
    kw.setdefault("scope", list(DisputeKind.values))
    kw.setdefault("targets", CampaignTargets.COMMUNITIES)
    kw.setdefault("due_on", timezone.localdate() + datetime.timedelta(days=due_in))
    return ScreeningCampaign.objects.create(
        org=org, issued_by=issued_by or UserFactory(home_unit=org), **kw
    )


def make_report(unit, *, campaign=None, **kw) -> ScreeningReport:
    if campaign is None:
        campaign = make_campaign(unit.parent or unit)
    return ScreeningReport.objects.create(campaign=campaign, org=unit, **kw)


def make_entry(unit, *, report=None, **kw) -> DisputeEntry:
    if report is None:
        report = make_report(unit)
    kw.setdefault("kind", DisputeKind.NEIGHBOUR)
    kw.setdefault("risk", DisputeRisk.LOW)
    kw.setdefault("parties", "王某与赵某（邻居）")
    kw.setdefault("description", f"因楼道堆物发生争吵{next(_n)}")
    kw.setdefault("is_sensitive", kw["kind"] == DisputeKind.VIOLENCE)
    return DisputeEntry.objects.create(report=report, org=unit, **kw)


def make_opinion(unit, **kw) -> OpinionItem:
    kw.setdefault("title", f"网帖反映某社区家暴求助无人理{next(_n)}")
    kw.setdefault("source", OpinionSource.ONLINE)
    kw.setdefault("occurred_on", timezone.localdate())
    kw.setdefault("summary", "某论坛发帖称求助后无人回应。")
    kw.setdefault("level", OpinionLevel.GENERAL)
    return OpinionItem.objects.create(org=unit, **kw)
