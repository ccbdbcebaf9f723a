"""What a worker does and sees: assessing on the form, the detail and history pages, the
lists and their export, the safety plan and its review, the person and case sections, the
待复评 panel, and the selectors other concerns call."""

import pytest
from django.urls import reverse

from jinguo.cases.tests.factories import make_case
from jinguo.core import registry
from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import RiskAssessment, SafetyPlan
from jinguo.protection.selectors.risk import current_levels, current_risk
from jinguo.protection.services import risk as services
from jinguo.testing.factories import user_with_role
from jinguo.testing.responses import xlsx_rows

from .factories_risk import STRANGULATION, answers, make_assessment, make_plan, plain_yes

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer")


def form_data(yes=(), **extra):
    data = {f"item_{n}": v for n, v in answers(yes).items()}
    return {"case": "", "judged_level": "", "judgement_reason": "", "notes": "", **data, **extra}


def test_the_assess_form_shows_every_question_with_its_help_and_the_validation_mark(
    tree, client, officer
):
    person = PersonFactory(org=tree.community_a)
    client.force_login(officer)
    r = client.get(reverse("protection:riskassessment_create", args=[person.pk]))
    page = r.content.decode()
    assert r.status_code == 200
    assert page.count('data-testid="question"') == 24
    assert "待本地验证" in page and "掐颈等窒息性暴力" in page
    assert 'type="radio"' in page


def test_assessing_on_the_form_saves_and_opens_the_result(tree, client, officer):
    person = PersonFactory(org=tree.community_a)
    client.force_login(officer)
    r = client.post(
        reverse("protection:riskassessment_create", args=[person.pk]),
        form_data({STRANGULATION}),
    )
    assessment = RiskAssessment.objects.get()
    assert r.status_code == 302 and r.url == reverse(
        "protection:riskassessment_detail", args=[assessment.pk]
    )
    assert assessment.level == "high" and assessment.assessed_by == officer
    page = client.get(r.url).content.decode()
    assert "高风险" in page and "逐题回答" in page


def test_a_lowering_judgement_on_the_form_is_refused_and_keeps_the_answers(tree, client, officer):
    person = PersonFactory(org=tree.community_a)
    client.force_login(officer)
    r = client.post(
        reverse("protection:riskassessment_create", args=[person.pk]),
        form_data({STRANGULATION}, judged_level="standard", judgement_reason="她说没事"),
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "专业判断只能提高风险等级" in page
    assert 'value="yes" checked' in page and "她说没事" in page
    assert not RiskAssessment.objects.exists()


def test_a_missing_answer_on_the_form_says_which(tree, client, officer):
    person = PersonFactory(org=tree.community_a)
    client.force_login(officer)
    data = form_data()
    del data["item_5"]
    r = client.post(reverse("protection:riskassessment_create", args=[person.pk]), data)
    assert r.status_code == 200 and "请回答本题。" in r.content.decode()


def test_opening_an_assessment_is_logged(tree, client, officer):
    assessment = make_assessment(unit=tree.community_a)
    client.force_login(officer)
    client.get(reverse("protection:riskassessment_detail", args=[assessment.pk]))
    assert AuditEvent.objects.filter(
        object_type="protection.riskassessment", object_id=str(assessment.pk), action="open"
    ).exists()


def test_history_shows_whether_danger_is_rising(tree, client, officer):
    person = PersonFactory(org=tree.community_a)
    make_assessment(person, yes=plain_yes(2), days_ago=40)
    make_assessment(person, yes=plain_yes(11), days_ago=10)
    client.force_login(officer)
    page = client.get(reverse("protection:riskassessment_history", args=[person.pk])).content
    assert 'data-direction="up"' in page.decode() and "风险上升" in page.decode()
    make_assessment(person, yes=plain_yes(1))
    page = client.get(reverse("protection:riskassessment_history", args=[person.pk])).content
    assert 'data-direction="down"' in page.decode()


def test_history_of_a_person_out_of_scope_is_404(tree, client):
    person = PersonFactory(org=tree.community_a)
    make_assessment(person)
    client.force_login(user_with_role(tree.district_b, "rights_officer"))
    assert (
        client.get(reverse("protection:riskassessment_history", args=[person.pk])).status_code
        == 404
    )


def test_the_at_risk_list_holds_current_medium_and_high_highest_first(tree, client, officer):
    high = make_assessment(unit=tree.community_a, yes={STRANGULATION})
    medium = make_assessment(unit=tree.community_a, yes=plain_yes(10))
    make_assessment(unit=tree.community_a, yes=plain_yes(1))
    # Once high, now standard: no longer at risk.
    lowered = PersonFactory(org=tree.community_a)
    make_assessment(lowered, yes={STRANGULATION}, days_ago=30)
    make_assessment(lowered, yes=())
    client.force_login(officer)
    r = client.get(reverse("protection:riskperson_list"))
    assert [row.pk for row in r.context["table"].data] == [high.pk, medium.pk]
    r = client.get(reverse("protection:riskperson_list"), {"level": "medium"})
    assert [row.pk for row in r.context["table"].data] == [medium.pk]


def test_the_assessment_list_sorts_by_level(tree, client, officer):
    low = make_assessment(unit=tree.community_a, yes=())
    high = make_assessment(unit=tree.community_a, yes={STRANGULATION})
    mid = make_assessment(unit=tree.community_a, yes=plain_yes(12))
    client.force_login(officer)
    r = client.get(reverse("protection:riskassessment_list"), {"sort": "level"})
    assert [row.pk for row in r.context["table"].data] == [low.pk, mid.pk, high.pk]
    r = client.get(reverse("protection:riskassessment_list"), {"sort": "-level"})
    assert [row.pk for row in r.context["table"].data] == [high.pk, mid.pk, low.pk]


def test_the_export_masks_names_and_holds_no_answers(tree, client, officer):
    person = PersonFactory(org=tree.community_a, name="王秀英")
    make_assessment(person, yes={STRANGULATION})
    client.force_login(officer)
    r = client.get(reverse("protection:riskassessment_list"), {"export": "xlsx"})
    rows = xlsx_rows(r.content)
    assert rows[0]["当事人"] == "王**"
    assert "王秀英" not in str(rows) and "回答" not in rows[0]
    assert AuditEvent.objects.filter(action="export", object_type="protection.riskassessment")


def test_the_review_filter_takes_current_assessments_due_within_7_days(tree, client, officer):
    soon = make_assessment(unit=tree.community_a, yes={STRANGULATION}, days_ago=3)  # due in 4
    make_assessment(unit=tree.community_a, yes=(), days_ago=3)  # due in 87 days
    client.force_login(officer)
    r = client.get(reverse("protection:riskassessment_list"), {"current": "true", "review": "due"})
    assert [row.pk for row in r.context["table"].data] == [soon.pk]


# --- safety plan -----------------------------------------------------------------------------


def test_a_safety_plan_needs_review_after_each_reassessment_until_confirmed(tree, client, officer):
    person = PersonFactory(org=tree.community_a)
    plan = make_plan(person)
    assert not services.plan_needs_review(plan)
    make_assessment(person, yes={STRANGULATION})
    client.force_login(officer)
    url = reverse("protection:safetyplan_detail", args=[plan.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="needs-review"' in page and "已复核" in page
    r = client.post(reverse("protection:safetyplan_review", args=[plan.pk]), {"version": "1"})
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.reviewed_at is not None and not services.plan_needs_review(plan)
    assert 'data-testid="needs-review"' not in client.get(url).content.decode()
    make_assessment(person, yes=())
    assert services.plan_needs_review(plan)


def test_opening_a_safety_plan_is_always_logged(tree, client, officer):
    plan = make_plan(unit=tree.community_a)
    client.force_login(officer)
    client.get(reverse("protection:safetyplan_detail", args=[plan.pk]))
    assert AuditEvent.objects.filter(
        object_type="protection.safetyplan", object_id=str(plan.pk), action="open"
    ).exists()


def test_a_safety_plan_is_hidden_from_whoever_may_not_see_sensitive_records(tree, client):
    plan = make_plan(unit=tree.community_a)
    assert plan.is_sensitive
    chair = user_with_role(tree.community_a, "community_chair")
    client.force_login(chair)
    assert client.get(reverse("protection:safetyplan_detail", args=[plan.pk])).status_code == 404


def test_the_audit_of_a_safety_plan_never_holds_its_words(tree, officer):
    plan = make_plan(unit=tree.community_a, code_word="买酱油")
    services.safety_plan_update(
        user=officer, plan=plan, version=plan.version, code_word="下雨了", safe_place="姐姐家"
    )
    events = AuditEvent.objects.filter(object_type="protection.safetyplan")
    assert events.count() == 2
    assert "下雨了" not in str(list(events.values("before", "after", "detail")))


def test_an_empty_safety_plan_is_refused(tree, client, officer):
    person = PersonFactory(org=tree.community_a)
    client.force_login(officer)
    r = client.post(reverse("protection:safetyplan_create", args=[person.pk]), {})
    assert r.status_code == 200 and "安全计划至少要填写一项" in r.content.decode()
    assert not SafetyPlan.objects.exists()


def test_a_stale_safety_plan_edit_keeps_what_was_typed(tree, client, officer):
    plan = make_plan(unit=tree.community_a)
    services.safety_plan_update(user=None, plan=plan, version=1, safe_place="学校宿舍")
    client.force_login(officer)
    r = client.post(
        reverse("protection:safetyplan_update", args=[plan.pk]),
        {"version": "1", "safe_place": "我写的去处"},
    )
    assert r.status_code == 200 and "我写的去处" in r.content.decode()


# --- sections, panel, selectors ---------------------------------------------------------------


def test_the_person_page_shows_the_current_level_and_the_plan(tree, client, officer):
    person = PersonFactory(org=tree.community_a)
    make_assessment(person, yes={STRANGULATION})
    make_plan(person)
    client.force_login(officer)
    page = client.get(person.get_absolute_url()).content.decode()
    assert 'data-testid="person-risk"' in page and "高风险" in page and "安全计划" in page


def test_the_case_page_shows_its_peoples_levels(tree, client, officer):
    person = PersonFactory(org=tree.community_a)
    case = make_case(tree.community_a, category="family-violence", complainant=person)
    make_assessment(person, yes=plain_yes(10))
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="case-risk"' in page and "中风险" in page


def test_sections_show_nothing_of_another_branch(tree, officer):
    person = PersonFactory(org=tree.community_b)
    case = make_case(tree.community_b, category="family-violence", complainant=person)
    viewer = user_with_role(tree.district_b, "rights_officer")
    before = {
        key: repr(ctx)
        for obj in (person, case)
        for key, ctx in ((s.key, c) for s, c in registry.sections_for(viewer, obj))
    }
    # Branch A's worker assesses B's person (shared through a case of A), in A's unit.
    RiskAssessment.objects.create(
        person=person,
        org=tree.community_a,
        instrument=make_assessment(unit=tree.community_a).instrument,
        assessed_by=officer,
        answers="{}",
        score=20,
        computed_level="high",
        level="high",
    )
    after = {
        key: repr(ctx)
        for obj in (person, case)
        for key, ctx in ((s.key, c) for s, c in registry.sections_for(viewer, obj))
    }
    assert before == after


def test_the_home_panel_lists_due_reviews_highest_first(tree, client, officer):
    PersonFactory(org=tree.community_a)
    make_assessment(unit=tree.community_a, yes=plain_yes(10), days_ago=40)  # medium, 10 overdue
    high = make_assessment(unit=tree.community_a, yes={STRANGULATION}, days_ago=2)  # due in 5
    make_assessment(unit=tree.community_b, yes={STRANGULATION}, days_ago=20)  # other branch
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert 'data-testid="panel-risk-reviews"' in page
    assert page.count('data-testid="risk-review-row"') == 2
    assert page.index('data-level="high"') < page.index('data-level="medium"')
    assert reverse("protection:riskassessment_history", args=[high.person_id]) in page


def test_no_panel_when_nothing_is_due(tree, client, officer):
    make_assessment(unit=tree.community_a)
    client.force_login(officer)
    assert 'data-testid="panel-risk-reviews"' not in client.get("/").content.decode()


def test_current_risk_and_levels_read_the_latest_assessment(tree, officer):
    person = PersonFactory(org=tree.community_a)
    other = PersonFactory(org=tree.community_b)
    make_assessment(person, yes={STRANGULATION}, days_ago=5)
    latest = make_assessment(person, yes=())
    make_assessment(other, yes=plain_yes(10))
    assert current_risk(person) == latest
    assert current_levels([person.pk, other.pk]) == {person.pk: "standard", other.pk: "medium"}
    assert current_levels([person.pk, other.pk], user=officer) == {person.pk: "standard"}
    assert current_risk(other, user=officer) is None


def test_the_next_review_of_the_list_is_marked_overdue(tree, client, officer):
    make_assessment(unit=tree.community_a, yes={STRANGULATION}, days_ago=10)
    client.force_login(officer)
    page = client.get(reverse("protection:riskassessment_list")).content.decode()
    assert "已过期" in page
