"""The scoping contract of notices (the issuing side) and receipts (the receiving unit)."""

import itertools

from django.utils import timezone

from jinguo.notices.models import Notice, Receipt
from jinguo.testing.scoping import ScopedModelContract

from .factories import make_notice, make_receipt

_n = itertools.count(1)


class TestNoticeContract(ScopedModelContract):
    model = Notice
    actions = ("view", "add", "change")
    list_url = "notices:notice_list"
    detail_url = "notices:notice_detail"
    create_url = "notices:notice_create"
    export = True
    api_list_url = "notice-list"
    api_detail_url = "notice-detail"
    # A notice is always issued by the issuer's own unit.
    scoped_create = False

    def make(self, unit):
        return make_notice(unit)

    def export_marker(self, obj):
        return "标题", obj.title

    def form_data(self, unit) -> dict:
        return {
            "kind": "task",
            "title": f"关于报送排查结果的通知{next(_n)}",
            "body": "请于 25 日前报送本单位排查结果。",
            "due_on": (timezone.localdate() + timezone.timedelta(days=10)).isoformat(),
            "targets": "children",
        }


class TestReceiptContract(ScopedModelContract):
    model = Receipt
    actions = ("view", "acknowledge", "complete")
    list_url = "notices:receipt_list"
    detail_url = "notices:receipt_detail"
    export = True
    api_list_url = "receipt-list"
    api_detail_url = "receipt-detail"

    def make(self, unit):
        return make_receipt(unit)

    def export_marker(self, obj):
        return "标题", obj.notice.title

    def in_scope_user(self, tree, obj):
        # The inbox is the unit's own: the receiving unit's staff.
        return self.user(obj.org, *self.actions)
