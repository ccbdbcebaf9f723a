"""The protection journey of a domestic-violence victim: the 12338 operator registers an urgent
violence call and passes it to the district; the district's rights officer assesses the risk
as high and a red warning appears on her leader's home page; she records the emergency
checklist, a shelter stay and a protection-order application; the court's steps follow until
the order is granted with measures; the case is resolved and protective visits are scheduled;
a visit missed (its day moved into the past, then the scheduler's jobs run) raises a warning;
the red warning left unsigned is told to the street's leader, and the district leader signs
for it.
A community user of another district gets 404 for every record of it."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.cases import choices
from jinguo.cases.models import Agency, Case
from jinguo.core import registry
from jinguo.core.models import Notification
from jinguo.core.scheduler import run_job
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection import choices as P
from jinguo.protection.models import (
    Alert,
    EmergencyAction,
    FollowUpPlan,
    ProtectionOrder,
    ProtectiveVisit,
    RiskAssessment,
    ShelterStay,
)
from jinguo.protection.services.shelter import shelter_create
from jinguo.testing.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = "13912345679"
STRANGULATION = "掐过她的脖子"


@pytest.fixture
def people(tree):
    worker = user_with_role(tree.district_a, "rights_officer", username="weiquan", real_name="陈静")
    court = Agency.objects.create(
        org=tree.district_a, name="和平区人民法院家事审判庭", kind=choices.AgencyKind.COURT
    )
    shelter = shelter_create(
        user=worker,
        org=tree.district_a,
        name="和平区反家暴临时庇护站",
        address="示范市和平区春晖路 9 号院",
        rooms=5,
        beds=10,
        staff=[worker],
    )
    return {
        "operator": user_with_role(
            tree.city, "hotline_operator", username="hotline", real_name="周晓燕"
        ),
        "worker": worker,
        "leader": user_with_role(
            tree.district_a, "leader", username="hpleader", real_name="和平区妇联主席"
        ),
        "street_leader": user_with_role(
            tree.street_a, "leader", username="jdleader", real_name="街道妇联主席"
        ),
        "elsewhere": user_with_role(
            tree.community_b, "community_chair", username="chair2", real_name="吴桂兰"
        ),
        "woman": PersonFactory(
            org=tree.community_a, name="赵春梅", birth_date=date(1988, 5, 20), phone=PHONE
        ),
        "court": court,
        "shelter": shelter,
    }


def act(page, url, name: str):
    page.goto(url)
    page.get_by_test_id("case-actions").get_by_role("link", name=name, exact=True).click()
    page.get_by_test_id("action-form").wait_for()


def submit_action(page, case_url: str):
    page.get_by_test_id("action-form").get_by_test_id("submit").click()
    page.wait_for_url(case_url)


def fill_datetime(form, name: str, value):
    form.locator(f"input[name={name}]").fill(timezone.localtime(value).strftime("%Y-%m-%dT%H:%M"))


def order_step(page, base, order, label: str):
    page.goto(f"{base}/protection/orders/{order.pk}/")
    page.get_by_role("link", name=label, exact=True).click()
    return page.get_by_test_id("orders-form")


def save(form, order_url: str):
    form.locator("button[type=submit]").click()
    form.page.wait_for_url(order_url)


def new_page(browser, sign_in, user):
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(15_000)
    return sign_in(page, user)


def test_an_urgent_violence_call_is_protected_from_the_hotline_to_protective_visits(
    live_server, browser, page, sign_in, tree, people, settings
):
    # A leader's role asks for a second factor (e2e/test_two_factor.py signs in with one).
    settings.JINGUO_TWO_FACTOR_ENFORCED = False
    base = live_server.url
    woman = people["woman"]

    # 1. The 12338 operator registers the urgent violence call and passes it to the district.
    sign_in(page, people["operator"])
    page.goto(f"{base}/cases/hotline/")
    page.keyboard.type(PHONE)
    pick = page.get_by_role("button", name="选为诉求人")
    expect(pick).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#category-search")).to_be_focused()
    page.keyboard.type("jtbl")  # 家庭暴力
    page.keyboard.press("Enter")
    page.locator("select[name=gbv_type]").select_option(choices.GbvType.PHYSICAL)
    page.keyboard.press("Alt+KeyU")
    expect(page.locator("input[name=urgency][value=urgent]")).to_be_checked()
    page.locator("input[name=summary]").fill("丈夫掐脖子威胁要杀了她，躲在邻居家求助")
    page.locator("textarea[name=narrative]").fill("来电人称丈夫酒后掐她脖子，扬言要杀了她。")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/cases/hotline/\?registered=\d+$"))
    case = Case.objects.get(complainant=woman)
    assert case.urgency == choices.Urgency.URGENT and case.is_sensitive
    case_url = f"{base}/cases/{case.pk}/"
    page.goto(case_url)
    # The emergency checklist shows on the case from the moment it is registered.
    expect(page.get_by_test_id("case-emergency")).to_contain_text("须在登记后 2 小时内处置")
    act(page, case_url, "交办下级")
    page.locator("select[name=unit]").select_option(label="和平区妇联（990101）")
    page.locator("textarea[name=note]").fill("紧急：当事人有生命危险，请立即处置。")
    submit_action(page, case_url)

    # 2. The district worker takes it up and assesses the risk: strangulation forces high.
    worker = new_page(browser, sign_in, people["worker"])
    act(worker, case_url, "受理")
    submit_action(worker, case_url)
    act(worker, case_url, "分派承办人")
    worker.locator("select[name=worker]").select_option(label="陈静（和平区妇联）")
    submit_action(worker, case_url)
    act(worker, case_url, "开始办理")
    submit_action(worker, case_url)
    worker.goto(case_url)
    risk = worker.get_by_test_id("case-risk")
    expect(risk).to_contain_text("未评估")
    risk.get_by_role("link", name="评估风险").click()
    form = worker.get_by_test_id("assessment-form")
    expect(form.get_by_test_id("not-validated")).to_be_visible()
    questions = form.get_by_test_id("question")
    for n in range(questions.count()):
        question = questions.nth(n)
        answer = "是" if STRANGULATION in question.inner_text() or n < 4 else "否"
        question.locator("label", has_text=re.compile(f"^{answer}$")).click()
    form.get_by_role("button", name="保存评估").click()
    worker.wait_for_url(re.compile(r"/protection/risk/\d+/$"))
    expect(worker.get_by_text("高风险").first).to_be_visible()
    assessment = RiskAssessment.objects.get(person=woman)
    assert assessment.level == P.RiskLevel.HIGH and assessment.case == case
    assert assessment.computed_level == P.RiskLevel.HIGH and assessment.score == 5

    # ... and a red warning appears on her leader's home page.
    leader = new_page(browser, sign_in, people["leader"])
    red = leader.get_by_test_id("alerts-red")
    expect(red).to_contain_text("1")
    panel = leader.get_by_test_id("alerts-panel")
    expect(panel).to_contain_text("高风险")
    expect(panel).to_contain_text("未签收")
    high = Alert.objects.get(rule__code="high_risk", person=woman)
    assert high.level == P.AlertLevel.RED and high.status == P.AlertStatus.OPEN

    # 3. The emergency checklist, step by step.
    worker.goto(case_url)
    emergency = worker.get_by_test_id("case-emergency")
    for note in ("已协助报警，民警已到场", "已陪同就医"):
        tick = emergency.get_by_test_id("emergency-tick").first
        tick.locator("input[name=note]").fill(note)
        tick.get_by_role("button", name="已完成").click()
        expect(worker.get_by_text("应急处置已登记。")).to_be_visible()
        emergency = worker.get_by_test_id("case-emergency")
    expect(emergency.get_by_test_id("emergency-done")).to_have_count(2)
    expect(emergency).to_contain_text("陈静")
    assert EmergencyAction.objects.filter(case=case).count() == 2

    # A shelter stay, from her record.
    worker.goto(f"{base}{woman.get_absolute_url()}")
    stays = worker.get_by_test_id("shelter-stays-section")
    stays.get_by_role("link", name="登记入住").click()
    stay_form = worker.locator("form[method=post]").last
    shelter_select = stay_form.locator("select[name=shelter]")
    expect(shelter_select).to_contain_text("和平区反家暴临时庇护站")
    shelter_select.select_option(str(people["shelter"].pk))
    stay_form.locator("select[name=case]").select_option(str(case.pk))
    stay_form.locator("input[name=planned_leave_on]").fill(
        (timezone.localdate() + timedelta(days=30)).isoformat()
    )
    stay_form.locator("textarea[name=reason]").fill("丈夫扬言杀害，回家有危险，临时庇护。")
    stay_form.locator("button[type=submit]").click()
    expect(worker.get_by_text("入住已登记。")).to_be_visible()
    stay = ShelterStay.objects.get(person=woman)
    assert stay.shelter == people["shelter"] and stay.case == case and stay.left_at is None

    # A protection-order application, from the case.
    worker.goto(case_url)
    worker.get_by_test_id("protection-orders-section").get_by_role(
        "link", name="保护令申请"
    ).click()
    order_form = worker.get_by_test_id("orders-form")
    order_form.locator("select[name=applicant_kind]").select_option(P.ApplicantKind.VICTIM)
    order_form.locator("textarea[name=respondent_description]").fill("丈夫，40 岁，有酗酒史")
    order_form.get_by_label("妇联协助撰写申请书").check()
    order_form.get_by_label("妇联陪同申请/出庭").check()
    order_form.locator("select[name=court]").select_option(label="和平区人民法院家事审判庭")
    order_form.locator("button[type=submit]").click()
    expect(worker.get_by_text("保护令申请已登记。")).to_be_visible()
    order = ProtectionOrder.objects.get(person=woman)
    order_url = f"{base}/protection/orders/{order.pk}/"
    assert order.status == P.OrderStatus.PREPARING and order.case == case

    # 4. The court's steps: applied, accepted as urgent, granted with measures.
    form = order_step(worker, base, order, "提交申请")
    save(form, order_url)
    form = order_step(worker, base, order, "登记法院受理")
    form.get_by_label(re.compile("情况紧急")).check()
    form.locator("input[name=court_case_number]").fill("（2026）示0101民保令1号")
    save(form, order_url)
    order.refresh_from_db()
    assert order.status == P.OrderStatus.ACCEPTED and order.urgent
    assert order.decision_due_at == order.accepted_at + timedelta(hours=24)
    form = order_step(worker, base, order, "登记裁定结果")
    form.locator("select[name=outcome]").select_option(P.OrderStatus.GRANTED)
    form.get_by_label("禁止实施家庭暴力").check()
    form.get_by_label("责令迁出申请人住所").check()
    form.locator("input[name=effective_until]").fill(
        (timezone.localdate() + timedelta(days=150)).isoformat()
    )
    save(form, order_url)
    expect(worker.get_by_test_id("order-detail")).to_contain_text("已签发")
    expect(worker.get_by_test_id("order-timeline")).to_contain_text("作出裁定")
    order.refresh_from_db()
    assert order.status == P.OrderStatus.GRANTED and order.ban_violence and order.move_out
    assert not order.ban_contact

    # 5. The case is resolved: protective visits are scheduled (7, 30, 90 days).
    act(worker, case_url, "办结")
    worker.locator("select[name=outcome]").select_option(choices.Outcome.REFERRED)
    worker.locator("textarea[name=outcome_note]").fill("保护令已签发，当事人在庇护站暂住。")
    submit_action(worker, case_url)
    plan = FollowUpPlan.objects.get(person=woman)
    visit = plan.visits.get()
    assert visit.due_on == timezone.localdate() + timedelta(days=7)
    worker.goto(f"{base}/protection/follow-up/plans/{plan.pk}/")
    expect(worker.get_by_text(visit.due_on.isoformat()).first).to_be_visible()

    # 6. Nobody visits on the day: the scheduler marks the visit missed and warns.
    ProtectiveVisit.objects.filter(pk=visit.pk).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    for key in ("protection.visits_missed", "protection.alerts_sweep"):
        ok, summary = run_job(registry.registry.jobs[key])
        assert ok, summary
    visit.refresh_from_db()
    assert visit.state == P.VisitState.MISSED
    missed = Alert.objects.get(rule__code="visit_missed", person=woman)
    assert missed.level == P.AlertLevel.ORANGE
    leader.goto(f"{base}/protection/alerts/")
    expect(leader.get_by_text("保护性回访逾期未进行").first).to_be_visible()
    leader.goto(f"{base}/protection/follow-up/visits/?state=missed")
    expect(leader.get_by_role("link", name=visit.due_on.isoformat()).first).to_be_visible()
    expect(leader.locator(".badge", has_text="逾期未回访").first).to_be_visible()
    # The plan goes on: the next visit is waiting.
    assert plan.visits.filter(state=P.VisitState.DUE).exists()

    # 6b. The red warning stayed unsigned for three hours: the scheduler tells the leader of
    # the level above (the street), once; then the district leader signs for it on its page.
    Alert.objects.filter(pk=high.pk).update(raised_at=timezone.now() - timedelta(hours=3))
    for _run in range(2):
        ok, summary = run_job(registry.registry.jobs["protection.alerts_escalate"])
        assert ok, summary
    street = new_page(browser, sign_in, people["street_leader"])
    street.goto(f"{base}/notifications/")
    expect(street.get_by_text("无人签收").first).to_be_visible()
    told = Notification.objects.filter(
        recipient=people["street_leader"], title__contains="无人签收"
    )
    assert told.count() == 1
    leader.goto(f"{base}/protection/alerts/{high.pk}/")
    expect(leader.get_by_text("已上报上一级")).to_be_visible()
    leader.get_by_test_id("acknowledge").click()
    expect(leader.get_by_test_id("alert-status")).to_have_text("处置中")
    expect(leader.get_by_text("和平区妇联主席").first).to_be_visible()
    high.refresh_from_db()
    assert high.status == P.AlertStatus.ACKNOWLEDGED and high.acknowledged_by == people["leader"]
    assert high.escalated_at is not None

    # 7. A community user of another district: none of it exists for her.
    other = new_page(browser, sign_in, people["elsewhere"])
    urls = [
        case_url,
        f"{base}/protection/risk/{assessment.pk}/",
        order_url,
        f"{base}/protection/stays/{stay.pk}/",
        f"{base}/protection/alerts/{high.pk}/",
        f"{base}/protection/alerts/{missed.pk}/",
        f"{base}/protection/follow-up/plans/{plan.pk}/",
    ]
    apis = [
        f"{base}/api/protection/{name}/{obj.pk}/"
        for name, obj in (
            ("assessments", assessment),
            ("orders", order),
            ("stays", stay),
            ("alerts", high),
        )
    ]
    for url in urls + apis:
        # The worker reaches each of them: the 404s below are about scope, not a wrong address.
        assert worker.request.get(url).status == 200, url
        assert other.request.get(url).status == 404, url
    for url in urls:
        response = other.goto(url)
        assert response.status == 404, url
        assert case.number not in other.content()
    for extra in (worker, leader, street, other):
        extra.context.close()
