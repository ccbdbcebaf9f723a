"""Notices and receipts for the tests, built directly (the services have their own tests)."""

import itertools

from django.utils import timezone

from jinguo.notices.choices import NoticeKind, NoticeTargets
from jinguo.notices.models import Notice, Receipt
from jinguo.testing.factories import UserFactory

_n = itertools.count(1)


def make_notice(unit, *, kind=NoticeKind.TASK, receivers=None, due_in=7, issued_by=None):
    """A notice issued by ``unit`` to ``receivers`` (default: its children)."""
    due_on = timezone.localdate() + timezone.timedelta(days=due_in) if kind == "task" else None
    notice = Notice.objects.create(
        org=unit,
        kind=kind,
        title=f"关于开展普法宣传活动的通知{next(_n)}",
        body="请各单位于月底前组织一次普法宣传活动，并报告参加人数。",
        due_on=due_on,
        targets=NoticeTargets.CHILDREN if receivers is None else NoticeTargets.PICKED,
        issued_by=issued_by or UserFactory(home_unit=unit),
    )
    if receivers is None:
        receivers = list(unit.children.all())
    for r in receivers:
        Receipt.objects.create(notice=notice, org=r, kind=kind, due_on=due_on)
    return notice


def make_receipt(unit, *, kind=NoticeKind.TASK, due_in=7):
    """A receipt of ``unit`` for a notice its parent issued."""
    notice = make_notice(unit.parent, kind=kind, receivers=[unit], due_in=due_in)
    return notice.receipts.get()
