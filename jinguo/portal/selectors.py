"""Reads for the public pages: only what a woman may see, in plain words."""

from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.cases.choices import Status
from jinguo.orgs.choices import TERRITORIAL_KINDS
from jinguo.orgs.models import OrgUnit

from . import choices
from .models import ConsultationSlot, KnowledgePage

# Status of the case → what she reads. No unit, worker, deadline or note ever reaches her.
PLAIN_STATUS = {
    Status.REGISTERED: _("已收到，正在等待工作人员受理。"),
    Status.ACCEPTED: _("已受理，工作人员正在处理。"),
    Status.ASSIGNED: _("已安排工作人员处理。"),
    Status.IN_PROGRESS: _("正在办理中。"),
    Status.RESOLVED: _("已办理完毕，工作人员可能会按您同意的方式回访。"),
    Status.CLOSED: _("已结束。如还需要帮助，可以重新求助或拨打 12338。"),
    Status.DECLINED: _("这件事不在妇联能办理的范围，请看下面的回复，或拨打 12338 咨询。"),
}

UNIT_RESULTS = 20


QUEUED_STATUS = _("已收到，正在登记，请稍后再来查看。")
QUEUE_REFUSED_STATUS = _(
    "网上登记没有成功，很抱歉。请拨打 12338 妇女维权热线说明情况，或重新提交一次求助。"
)


def plain_status(case) -> str:
    return str(PLAIN_STATUS.get(case.status, _("正在处理。")))


def appeal_status(appeal) -> str:
    """Her status words; an appeal still in the intake queue has no case yet."""
    if appeal.case_id is not None:
        return plain_status(appeal.case)
    from jinguo.cases.models import SubmissionStatus

    submission = appeal.submission
    if submission is not None and submission.status == SubmissionStatus.REJECTED:
        return str(QUEUE_REFUSED_STATUS)
    return str(QUEUED_STATUS)


def public_view(appeal) -> dict:
    """Everything the follow page shows: status words, dates, published replies."""
    return {
        "status": appeal_status(appeal),
        "submitted_on": timezone.localtime(appeal.created_at).date(),
        "topic": choices.HelpTopic(appeal.topic).label,
        "replies": [
            {"on": timezone.localtime(r.published_at), "body": r.body}
            for r in appeal.replies.order_by("published_at", "id")
        ],
        "expires_on": timezone.localtime(appeal.expires_at).date(),
    }


def pickable_units():
    return OrgUnit.objects.filter(is_active=True, kind__in=TERRITORIAL_KINDS)


def unit_children(parent):
    qs = pickable_units()
    qs = qs.filter(parent=parent) if parent is not None else qs.filter(parent__isnull=True)
    return list(qs.order_by("code")[:200])


def unit_search(text: str):
    # Control characters (a NUL above all) never reach the database.
    text = "".join(ch for ch in (text or "") if ch.isprintable()).strip()[:30]
    if not text:
        return []
    match = Q(name__contains=text)
    if text.isascii() and text.isalpha():
        match |= Q(name_initials__prefix=text.lower())
    qs = pickable_units().filter(match)
    return list(qs.select_related("parent").order_by("level", "code")[:UNIT_RESULTS])


def unit_trail(unit) -> list:
    """From the top of the tree down to ``unit``: one query over its path."""
    return [*unit.ancestors(), unit]


def published_pages(kind: str):
    return KnowledgePage.objects.filter(is_published=True, kind=kind).order_by("sort_order", "id")


def upcoming_slots(limit: int = 20):
    now = timezone.now()
    return list(
        ConsultationSlot.objects.filter(is_published=True, ends_at__gte=now).order_by("starts_at")[
            :limit
        ]
    )


def campaign_dates(today: date | None = None) -> list[dict]:
    """The campaign days in the order they next come round."""
    today = today or timezone.localdate()
    rows = []
    for month, day, name, about in choices.CAMPAIGN_DATES:
        when = date(today.year, month, day)
        if when < today:
            when = date(today.year + 1, month, day)
        rows.append({"on": when, "name": name, "about": about, "days": (when - today).days})
    return sorted(rows, key=lambda r: r["on"])
