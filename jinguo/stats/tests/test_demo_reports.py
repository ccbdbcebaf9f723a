"""The demo's reports: every state of the workflow exists, one community is overdue, and a
second load adds nothing."""

import io

import pytest

from jinguo.accounts.services import ensure_default_roles
from jinguo.demo.management.commands.demo import DEMO_PASSWORD
from jinguo.demo.management.commands.demo import Command as DemoCommand
from jinguo.demo.stats_reports import load_reports
from jinguo.orgs.models import OrgUnit
from jinguo.stats.choices import ReportState
from jinguo.stats.models import Report
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_demo_reports(django_capture_on_commit_callbacks):
    command = DemoCommand(stdout=io.StringIO())
    ensure_default_roles()
    command.load_units()
    command.load_users()
    # The protection demo adds the chair of 杏林社区.
    user_with_role(OrgUnit.objects.get(code="990101001002"), "community_chair", username="chair3")
    with django_capture_on_commit_callbacks(execute=True):
        first = load_reports(password=DEMO_PASSWORD, stdout=io.StringIO())
    assert first["users"] == 2 and first["reports"] >= 8
    states = set(Report.objects.values_list("state", flat=True))
    assert {
        ReportState.ACCEPTED,
        ReportState.RETURNED,
        ReportState.SUBMITTED,
        ReportState.DRAFT,
    } <= states
    returned = Report.objects.get(state=ReportState.RETURNED)
    assert returned.review_comment
    # 桃李社区 never filed two months ago, long past its deadline.
    taoli = OrgUnit.objects.get(code="990102001001")
    assert Report.objects.filter(org=taoli).count() == 1
    second = load_reports(password=DEMO_PASSWORD, stdout=io.StringIO())
    assert second == {"users": 0, "reports": 0}
