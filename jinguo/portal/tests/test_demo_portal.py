"""The demo's portal data: knowledge pages, the schedule, appeals in several states with
public replies the demo codes open; a second load adds nothing."""

import io

import pytest
from django.utils import timezone

from jinguo.accounts.services import ensure_default_roles
from jinguo.cases.models import Case
from jinguo.core.workdays import seed_from_chinese_calendar
from jinguo.demo.management.commands.demo import Command as DemoCommand
from jinguo.demo.portal import PIN, load_portal
from jinguo.portal.models import ConsultationSlot, KnowledgePage, PortalAppeal, PublicReply
from jinguo.portal.services.appeals import appeal_lookup

pytestmark = pytest.mark.django_db


def test_the_demo_loads_appeals_in_several_states_once(client):
    command = DemoCommand(stdout=io.StringIO())
    ensure_default_roles()
    command.load_units()
    command.load_users()
    seed_from_chinese_calendar(years=range(2024, timezone.localdate().year + 2))
    out = io.StringIO()
    first = load_portal(stdout=out)
    assert first["appeals"] == PortalAppeal.objects.count() == 5
    assert KnowledgePage.objects.filter(kind="faq").exists()
    assert ConsultationSlot.objects.count() == first["slots"] == 6
    statuses = set(Case.objects.filter(channel="portal").values_list("status", flat=True))
    assert {"registered", "accepted", "in_progress", "resolved", "declined"} <= statuses
    assert PublicReply.objects.count() >= 4
    assert load_portal() == {"pages": 0, "slots": 0, "appeals": 0}
    codes = [line.split()[0:3] for line in out.getvalue().splitlines()[1:]]
    found = appeal_lookup(code="".join(codes[2]), pin=PIN)
    assert found.replies.count() == 2
    assert client.get("/portal/rights/").status_code == 200
