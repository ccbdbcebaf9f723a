"""The whole road of a domestic-violence appeal: a 12338 operator registers the call from the
keyboard and passes it to a street federation; the street worker accepts, assigns, starts and
refers it to legal aid once the woman's consent is on file; the legal-aid centre accepts and
reports back; the worker resolves it and the follow-up call closes it. A community user of
another district, and the legal-aid user, get 404 for the case."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from jinguo.cases import choices
from jinguo.cases.models import Agency, AgencyMember, Case, Referral
from jinguo.people.models import Consent
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"


@pytest.fixture
def people(tree):
    legal_aid = Agency.objects.create(
        org=tree.city, name="示范市法律援助中心", kind=choices.AgencyKind.LEGAL_AID
    )
    lawyer = user_with_role(tree.city, "partner", username="legalaid", real_name="宋律师")
    AgencyMember.objects.create(agency=legal_aid, user=lawyer)
    return {
        "operator": user_with_role(
            tree.city, "hotline_operator", username="hotline", real_name="周晓燕"
        ),
        "worker": user_with_role(
            tree.street_a, "rights_officer", username="jiedao", real_name="黄丽"
        ),
        "lawyer": lawyer,
        "elsewhere": user_with_role(
            tree.community_b, "community_chair", username="chair2", real_name="吴桂兰"
        ),
        "woman": PersonFactory(
            org=tree.community_a, name="王秀英", birth_date=date(1986, 3, 8), phone=PHONE
        ),
        "agency": legal_aid,
    }


def act(page, url, name: str):
    """Open the case page, press the action button ``name`` and land on its form."""
    page.goto(url)
    page.get_by_test_id("case-actions").get_by_role("link", name=name, exact=True).click()
    page.get_by_test_id("action-form").wait_for()


def submit_action(page, case_url: str):
    page.get_by_test_id("action-form").get_by_test_id("submit").click()
    page.wait_for_url(case_url)


def test_a_violence_call_goes_from_the_hotline_to_legal_aid_and_is_closed(
    live_server, browser, page, sign_in, tree, people
):
    base = live_server.url

    # 1. The 12338 operator takes the call, keyboard only.
    sign_in(page, people["operator"])
    page.goto(f"{base}/cases/hotline/")
    phone = page.get_by_test_id("caller-phone")
    expect(phone).to_be_focused()
    page.keyboard.type(PHONE)
    pick = page.get_by_role("button", name="选为诉求人")
    expect(pick).to_have_count(1)  # the phone found her record at once
    page.keyboard.press("ArrowDown")
    expect(pick).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-picked-label]")).to_contain_text("王*")
    expect(page.locator("#category-search")).to_be_focused()
    page.keyboard.type("jtbl")  # 家庭暴力 by its pinyin initials
    page.keyboard.press("Enter")
    gbv = page.locator("select[name=gbv_type]")
    expect(gbv).to_be_focused()
    page.keyboard.press("ArrowDown")  # 强奸
    page.keyboard.press("ArrowDown")  # 性侵犯
    page.keyboard.press("ArrowDown")  # 身体暴力
    expect(gbv).to_have_value(choices.GbvType.PHYSICAL)
    page.keyboard.press("Alt+KeyU")
    expect(page.locator("input[name=urgency][value=urgent]")).to_be_checked()
    page.locator("input[name=summary]").press_sequentially("丈夫酒后殴打，求助制止家暴")
    page.locator("textarea[name=narrative]").press_sequentially(
        "来电人称丈夫昨晚酒后打人，手臂淤青，孩子受到惊吓，希望申请人身安全保护令。"
    )
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/cases/hotline/\?registered=\d+$"))
    case = Case.objects.get(complainant=people["woman"])
    case_url = f"{base}/cases/{case.pk}/"
    expect(page.get_by_test_id("next-call")).to_be_focused()
    assert case.org == tree.city and case.is_sensitive and case.gbv_type == "physical"
    assert case.channel == choices.Channel.HOTLINE_12338
    assert case.urgency == choices.Urgency.URGENT
    expect(page.get_by_text(case.number).first).to_be_visible()

    # ... and passes it down to the street federation where she lives.
    act(page, case_url, "交办下级")
    page.locator("select[name=unit]").select_option(label="春晖街道妇联（990101001）")
    page.locator("textarea[name=note]").fill("属地办理，请今日内联系求助人。")
    submit_action(page, case_url)
    case.refresh_from_db()
    assert case.org == tree.street_a and case.status == choices.Status.REGISTERED

    # 2. The street worker accepts, assigns herself and starts.
    worker_page = browser.new_context(locale="zh-CN").new_page()
    sign_in(worker_page, people["worker"])
    act(worker_page, case_url, "受理")
    submit_action(worker_page, case_url)
    act(worker_page, case_url, "分派承办人")
    worker_page.locator("select[name=worker]").select_option(label="黄丽（春晖街道妇联）")
    submit_action(worker_page, case_url)
    act(worker_page, case_url, "开始办理")
    submit_action(worker_page, case_url)
    case.refresh_from_db()
    assert case.status == choices.Status.IN_PROGRESS and case.assigned_to == people["worker"]

    # She refers it to legal aid: refused until the woman's consent is on file.
    refer_url = f"{base}/cases/{case.pk}/refer/"

    def fill_referral():
        worker_page.goto(refer_url)
        form = worker_page.get_by_test_id("referral-form")
        form.locator("select[name=agency]").select_option(label="示范市法律援助中心")
        form.locator("textarea[name=request]").fill(
            "请为当事人提供法律援助，协助申请人身安全保护令。"
        )
        expect(form.locator("input[name=share_identity]")).to_be_checked()
        form.get_by_role("button", name="转介").click()

    fill_referral()
    refused = worker_page.get_by_test_id("consent-refused")
    expect(refused).to_be_visible()
    assert not Referral.objects.exists()
    refused.get_by_role("link", name="登记同意").click()
    worker_page.locator("select[name=purpose]").select_option("share_legal_aid")
    worker_page.locator("select[name=method]").select_option("written")
    worker_page.get_by_role("button", name=re.compile("保存")).click()
    expect(worker_page.get_by_text("同意记录已保存。")).to_be_visible()
    assert Consent.objects.filter(person=people["woman"], purpose="share_legal_aid").exists()
    fill_referral()
    worker_page.wait_for_url(re.compile(r"/cases/referrals/\d+/$"))
    referral = Referral.objects.get(case=case)
    assert referral.agency == people["agency"] and referral.share_identity

    # 3. The legal-aid centre accepts it from its inbox and reports back.
    lawyer_page = browser.new_context(locale="zh-CN").new_page()
    sign_in(lawyer_page, people["lawyer"])
    lawyer_page.goto(f"{base}/cases/referrals/")
    lawyer_page.get_by_role("link", name=case.number).first.click()
    lawyer_page.wait_for_url(f"{base}/cases/referrals/{referral.pk}/")
    lawyer_page.get_by_test_id("action-accept").get_by_role("button").click()
    expect(lawyer_page.get_by_text("已接收该转介。")).to_be_visible()
    report = lawyer_page.get_by_test_id("action-report")
    report.locator("textarea").fill(
        "已指派援助律师，协助当事人向法院申请人身安全保护令，法院已签发。"
    )
    report.get_by_role("button").click()
    expect(lawyer_page.get_by_text("办理情况已反馈。")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == choices.ReferralStatus.REPORTED
    # The legal-aid user sees the referral, never the case itself.
    assert lawyer_page.goto(case_url).status == 404

    # 4. The worker resolves the case; the follow-up call closes it.
    act(worker_page, case_url, "办结")
    worker_page.locator("select[name=outcome]").select_option(choices.Outcome.LEGAL_AID)
    worker_page.locator("textarea[name=outcome_note]").fill("法律援助律师已介入，保护令已签发。")
    submit_action(worker_page, case_url)
    act(worker_page, case_url, "回访")
    form = worker_page.get_by_test_id("action-form")
    form.get_by_text("满意", exact=True).click()
    form.get_by_text("结案", exact=True).click()
    form.locator("textarea[name=note]").fill("电话回访，当事人表示安全，对办理满意。")
    submit_action(worker_page, case_url)
    case.refresh_from_db()
    assert case.status == choices.Status.CLOSED
    assert case.satisfaction == choices.Satisfaction.SATISFIED
    expect(worker_page.get_by_test_id("case-timeline")).to_contain_text("回访")

    # 5. A community federation of another district: not found, by page and by API.
    other_page = browser.new_context(locale="zh-CN").new_page()
    sign_in(other_page, people["elsewhere"])
    response = other_page.goto(case_url)
    assert response.status == 404
    assert case.number not in other_page.content()
    assert other_page.request.get(f"{base}/api/cases/cases/{case.pk}/").status == 404
    for extra in (worker_page, lawyer_page, other_page):
        extra.context.close()
