"""The demo's notices: one signed by all, a task half completed, one overdue; a second load
adds nothing."""

import io

import pytest

from jinguo.accounts.services import ensure_default_roles
from jinguo.demo.management.commands.demo import Command as DemoCommand
from jinguo.demo.notices import XINGLIN, load_notices
from jinguo.notices.choices import ReceiptState
from jinguo.notices.models import Assessment, Notice
from jinguo.orgs.models import OrgUnit
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_demo_notices():
    ensure_default_roles()
    command = DemoCommand(stdout=io.StringIO())
    command.load_units()
    command.load_users()
    user_with_role(OrgUnit.objects.get(code=XINGLIN), "community_chair", username="chair3")
    assert load_notices()["notices"] == 4
    signed = Notice.objects.get(kind="notice")
    assert {r.state for r in signed.receipts.all()} == {ReceiptState.ACKNOWLEDGED}
    half = Notice.objects.get(title__contains="反家庭暴力法")
    states = sorted(r.state for r in half.receipts.all())
    assert states == [ReceiptState.ACKNOWLEDGED, ReceiptState.COMPLETED]
    overdue = Notice.objects.get(title__contains="排查结果")
    assert all(r.overdue() for r in overdue.receipts.all())
    scored = Assessment.objects.filter(indicator__name="普法宣传活动场次", actual__isnull=False)
    assert scored.count() == 1 and scored.get().evidence
    assert load_notices()["notices"] == 0
