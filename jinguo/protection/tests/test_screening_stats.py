"""Anonymised violence statistics: derivations, small-count suppression (primary and
complementary), scoping, the Excel download and its audit row."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jinguo.cases.models import Agency, Referral
from jinguo.core.models import AuditEvent
from jinguo.people.models import Household, HouseholdMember
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.selectors import violence_stats as stats
from jinguo.protection.selectors.violence_stats import COMPLEMENTARY, PRIMARY, suppress
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


# --- suppression ---------------------------------------------------------------------------


def hidden(shown) -> int:
    return sum(1 for v in shown if v in (PRIMARY, COMPLEMENTARY))


def test_counts_of_five_and_more_and_zeros_are_shown():
    result = suppress([[5, 0], [7, 9]])
    assert result["cells"] == [[5, 0], [7, 9]]
    assert result["row_totals"] == [5, 16] and result["col_totals"] == [12, 9]
    assert result["total"] == 21


def test_a_count_below_five_is_shown_as_less_than_five():
    result = suppress([[3, 0], [0, 0]])
    assert result["cells"][0][0] == PRIMARY
    assert result["row_totals"][0] == PRIMARY and result["total"] == PRIMARY


def test_a_lone_small_cell_cannot_be_recovered_from_its_totals():
    """Row 10 = 3 + 7: with only the 3 hidden, 10 − 7 would give it away."""
    result = suppress([[3, 7], [20, 30]])
    row = result["cells"][0]
    assert row[0] == PRIMARY
    assert row[1] == COMPLEMENTARY  # the second cell of the row is hidden too
    # ...and the columns those two cells sit in each hide a second number as well.
    for j in range(2):
        column = [result["cells"][i][j] for i in range(2)] + [result["col_totals"][j]]
        assert hidden(column) != 1


def test_no_line_of_any_table_has_exactly_one_hidden_number():
    import random

    rng = random.Random(7)
    for _ in range(200):
        rows, cols = rng.randint(1, 5), rng.randint(1, 5)
        matrix = [
            [rng.choice([0, 0, 1, 2, 3, 4, 5, 8, 13]) for _ in range(cols)] for _ in range(rows)
        ]
        r = suppress(matrix)
        for i in range(rows):
            assert hidden([*r["cells"][i], r["row_totals"][i]]) != 1
        for j in range(cols):
            assert hidden([*(r["cells"][i][j] for i in range(rows)), r["col_totals"][j]]) != 1
        assert hidden([*r["col_totals"], r["total"]]) != 1
        assert hidden([*r["row_totals"], r["total"]]) != 1
        # Every number that is shown is the true one.
        for i in range(rows):
            for j in range(cols):
                if isinstance(r["cells"][i][j], int):
                    assert r["cells"][i][j] == matrix[i][j]
                elif r["cells"][i][j] == PRIMARY:
                    assert 0 < matrix[i][j] < 5


def test_a_suppressed_total_is_itself_protected():
    """Only the total is small: its line (the total row) hides a second number too."""
    result = suppress([[0, 2], [0, 1]])
    assert result["total"] == PRIMARY
    assert hidden([*result["col_totals"], result["total"]]) != 1


# --- derivations ---------------------------------------------------------------------------


def test_age_bands():
    on = datetime.date(2026, 6, 1)
    assert stats.age_band(datetime.date(2013, 1, 1), on) == "lt14"
    assert stats.age_band(datetime.date(2012, 6, 1), on) == "14_17"
    assert stats.age_band(datetime.date(2008, 6, 2), on) == "14_17"
    assert stats.age_band(datetime.date(2008, 6, 1), on) == "18_29"
    assert stats.age_band(datetime.date(1966, 1, 1), on) == "60plus"
    assert stats.age_band(None, on) == "unknown"


def violence_case(unit, **kw):
    from jinguo.cases.tests.factories import make_case

    kw.setdefault("category", "family-violence")
    return make_case(unit, **kw)


def facts_of(user, unit):
    return stats._case_facts(stats.violence_cases(user).filter(org_path__subtree=unit.path))


def test_context_partner_from_household(tree, district_officer):
    victim = PersonFactory(org=tree.community_a, gender="F", birth_date=datetime.date(1990, 1, 1))
    abuser = PersonFactory(org=tree.community_a, gender="M")
    home = Household.objects.create(org=tree.community_a, name="王家")
    HouseholdMember.objects.create(household=home, person=abuser, relationship="head")
    HouseholdMember.objects.create(household=home, person=victim, relationship="spouse")
    violence_case(
        tree.community_a,
        category="personal-violence",
        complainant=victim,
        parties=[(abuser, "respondent")],
    )
    [fact] = facts_of(district_officer, tree.district_a)
    assert fact["context"] == "partner" and fact["sex"] == "F" and fact["age"] in ("30_44", "18_29")


def test_context_family_other_and_unknown(tree, district_officer):
    violence_case(tree.community_a, category="family-violence")
    violence_case(tree.community_a, category="personal-violence")
    violence_case(tree.community_a, category="labour", gbv_type="sexual_assault")
    contexts = sorted(f["context"] for f in facts_of(district_officer, tree.district_a))
    assert contexts == ["family", "other", "unknown"]


def test_anonymous_case_is_unknown_age_and_sex(tree, district_officer):
    violence_case(tree.community_a, anonymous=True)
    [fact] = facts_of(district_officer, tree.district_a)
    assert fact["age"] == "unknown" and fact["sex"] == "unknown"


def test_referral_is_the_first_referrals_agency_kind(tree, district_officer):
    case = violence_case(tree.community_a)
    police = Agency.objects.create(name="某派出所", kind="police", org=tree.district_a)
    shelter = Agency.objects.create(name="某庇护所", kind="shelter", org=tree.district_a)
    now = timezone.now()
    for agency, at in ((shelter, now), (police, now - datetime.timedelta(hours=1))):
        Referral.objects.create(
            case=case, agency=agency, org=case.org, sent_at=at, consent_purpose="x"
        )
    [fact] = facts_of(district_officer, tree.district_a)
    assert fact["referral"] == "police"


# --- the report, its scoping and its doors -------------------------------------------------


def month():
    today = timezone.localdate()
    return today.replace(day=1)


def test_rows_are_the_child_units_and_counts_respect_restrict(tree):
    leader_a = user_with_role(tree.district_a, "leader")
    for _ in range(6):
        violence_case(tree.community_a)
    violence_case(tree.community_b)  # the other district: never counted for her
    violence_case(tree.community_a, category="family-dispute")  # not violence
    result = stats.violence_statistics(leader_a, unit=tree.district_a, start=month(), end=month())
    assert result["rows"][0] == tree.street_a.name and result["cases"] == 6
    table = next(t for t in result["tables"] if t["key"] == "type")
    physical = table["columns"].index("身体暴力")
    assert table["cells"][0][physical] == 6
    # A user without view_sensitive sees no violence case: nothing to count.
    plain = user_with_role(tree.district_a, "grid_worker")
    assert (
        stats.violence_statistics(plain, unit=tree.district_a, start=month(), end=month())["cases"]
        == 0
    )


def test_by_month(tree):
    leader_a = user_with_role(tree.district_a, "leader")
    violence_case(tree.community_a)
    start = (month() - datetime.timedelta(days=1)).replace(day=1)
    result = stats.violence_statistics(
        leader_a, unit=tree.district_a, start=start, end=month(), by="month"
    )
    assert result["rows"][-1] == month().strftime("%Y-%m") and len(result["rows"]) == 2


def test_page_and_download_hold_no_identity_and_are_audited(tree, client):
    leader_a = user_with_role(tree.district_a, "leader")
    victim = PersonFactory(org=tree.community_a, name="欧阳娜娜")
    cases = [violence_case(tree.community_a, complainant=victim) for _ in range(3)]
    client.force_login(leader_a)
    url = reverse("protection:violence_stats")
    r = client.get(url)
    assert r.status_code == 200
    page = r.content.decode()
    assert "欧阳" not in page and cases[0].number not in page
    assert "&lt;5" in page  # three cases: a small count
    q = f"?start={month():%Y-%m}&end={month():%Y-%m}&by=unit&export=xlsx"
    r = client.get(url + q)
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.content), read_only=True)
    text = repr([list(ws.iter_rows(values_only=True)) for ws in wb.worksheets])
    assert "欧阳" not in text and cases[0].number not in text
    event = AuditEvent.objects.get(action="export", object_type="cases.case")
    assert event.detail["report"] == "violence_stats" and event.detail["rows"] == 3


def test_stats_need_the_permission(tree, client, community_chair):
    client.force_login(community_chair)
    assert client.get(reverse("protection:violence_stats")).status_code == 403


def test_stats_bad_input_is_a_form_error(tree, client):
    client.force_login(user_with_role(tree.district_a, "leader"))
    r = client.get(reverse("protection:violence_stats") + "?start=2026-13&end=x&by=unit")
    assert r.status_code == 200 and r.context["form"].errors
    r = client.get(reverse("protection:violence_stats") + "?start=2020-01&end=2026-01&by=unit")
    assert "end" in r.context["form"].errors


def test_stats_api(tree):
    from rest_framework.test import APIClient

    leader_a = user_with_role(tree.district_a, "leader")
    violence_case(tree.community_a)
    api = APIClient()
    api.force_authenticate(leader_a)
    r = api.get(f"/api/protection/violence-stats/?start={month():%Y-%m}&end={month():%Y-%m}")
    assert r.status_code == 200
    assert r.json()["tables"][0]["cells"][0].count(PRIMARY) == 1
    assert api.get("/api/protection/violence-stats/?start=bad&end=bad").status_code == 400
    api.force_authenticate(user_with_role(tree.community_a, "community_chair"))
    assert (
        api.get(
            f"/api/protection/violence-stats/?start={month():%Y-%m}&end={month():%Y-%m}"
        ).status_code
        == 403
    )
