"""The demo's twelve months of statistics history: every past month has closed cases with
numbers, outcomes, satisfaction and a timeline; the lagging street ranks last by on-time rate
on its district's dashboard; the summaries equal the records; a second load adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.db.models.functions import TruncMonth
from django.urls import reverse

from jinguo.accounts.services import ensure_default_roles
from jinguo.cases import choices as C
from jinguo.cases.models import Case, CaseEvent, FollowUp
from jinguo.demo.management.commands.demo import Command as DemoCommand
from jinguo.demo.stats_history import LAGGING_STREET, REFERENCE_PREFIX, load_history
from jinguo.orgs.models import OrgUnit
from jinguo.stats import periods
from jinguo.stats.dashboard import dashboard
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_demo_history(django_capture_on_commit_callbacks, client, settings):
    command = DemoCommand(stdout=io.StringIO())
    ensure_default_roles()
    command.load_units()
    command.load_users()
    with django_capture_on_commit_callbacks(execute=True):
        first = load_history(stdout=io.StringIO())
    assert first["cases"] >= 600 and first["open"] > 0

    history = Case.objects.filter(client_reference__startswith=REFERENCE_PREFIX)
    assert history.count() == first["cases"]
    months = set(
        history.annotate(m=TruncMonth("received_at")).values_list("m", flat=True).distinct()
    )
    assert len(months) == 12
    # Closed as the services close them: a number of the unit and year, outcome, satisfaction.
    case = history.select_related("org").first()
    assert case.status == C.Status.CLOSED and case.due_state == C.DueState.NONE
    assert case.number.startswith(f"{case.org.code}-{case.received_at.year}-")
    assert case.outcome and case.satisfaction and case.closed_at >= case.resolved_at
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {C.EventKind.REGISTERED, C.EventKind.CLOSED} <= kinds
    assert FollowUp.objects.filter(case=case).count() == 1
    assert len(set(Case.objects.values_list("number", flat=True))) == Case.objects.count()

    # The lagging street closes late more often and hears fewer "满意".
    lagging = OrgUnit.objects.get(code=LAGGING_STREET)
    mine = history.filter(org_path__startswith=lagging.path)
    others = history.exclude(org_path__startswith=lagging.path)

    def satisfied(qs):
        return qs.filter(satisfaction=C.Satisfaction.SATISFIED).count() / qs.count()

    assert satisfied(mine) < satisfied(others)

    # 和平区's leader sees the lagging street last by on-time rate.
    district = lagging.parent
    leader = user_with_role(district, "leader", username="leader_history")
    data = dashboard(leader, district, periods.parse({})[0], "on_time")
    children = data["cases"]["children"]
    assert children[-1]["unit"] == lagging.name
    assert children[-1]["on_time"] < min(r["on_time"] for r in children[:-1])
    trend = data["cases"]["trend"]
    assert len(trend) == 12 and all(m["count"] for m in trend[:-1])

    # The pages read them like any other case: the dashboard and a history case's timeline.
    settings.JINGUO_TWO_FACTOR_ENFORCED = False
    client.force_login(leader)
    assert client.get(reverse("stats:dashboard")).status_code == 200
    mine_case = mine.first()
    response = client.get(mine_case.get_absolute_url())
    assert response.status_code == 200
    assert mine_case.number in response.content.decode()

    out = io.StringIO()
    call_command("stats_check", stdout=out)

    second = load_history(stdout=io.StringIO())
    assert second == {"cases": 0, "events": 0, "open": 0}
    assert history.count() == first["cases"]
