"""The public pages as a woman's phone sees them: headers, what they show, what they refuse."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from jinguo.cases.models import Case
from jinguo.cases.services.intake import case_add_note, party_add
from jinguo.portal.forms import started_token
from jinguo.portal.models import ConsultationSlot, KnowledgePage
from jinguo.portal.services.appeals import appeal_submit
from jinguo.portal.services.replies import reply_publish

pytestmark = pytest.mark.django_db

STORY = "秘密内容：他把我的身份证藏起来了"
NOTE = "内部意见：建议联系派出所民警老周"
RESPONDENT = "对方当事人赵大强"


def assert_hardened(response):
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert set(response.cookies) <= {"csrftoken"}


@pytest.fixture
def content(db):
    KnowledgePage.objects.create(title="什么是人身安全保护令", body="# 申请\n- 向法院申请")
    KnowledgePage.objects.create(kind="faq", title="要钱吗？", body="**不收费**")
    KnowledgePage.objects.create(title="草稿文章", body="未公开", is_published=False)
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() + timedelta(days=3)
    ConsultationSlot.objects.create(
        starts_at=start, ends_at=start + timedelta(hours=2), topic="律师在线", way="online"
    )


@pytest.fixture
def worked_appeal(tree, district_officer):
    """An appeal the district has worked on: an internal note, a respondent, a public reply."""
    appeal, code = appeal_submit(
        unit=tree.community_a,
        topic="violence",
        story=STORY,
        in_danger=False,
        contact_way="none",
        anonymous=True,
        pin="2580",
    )
    case = appeal.case
    case_add_note(user=district_officer, case=case, note=NOTE)
    party_add(user=district_officer, case=case, role="respondent", description=RESPONDENT)
    reply_publish(user=district_officer, case=case, body="我们已收到，会在您方便的时候联系您。")
    return appeal, code


def public_get_urls(tree):
    page = KnowledgePage.objects.filter(is_published=True).first()
    return [
        "/portal/",
        "/portal/help/",
        "/portal/help/place/",
        f"/portal/help/place/?in={tree.city.pk}",
        f"/portal/help/place/?in={tree.street_a.pk}",
        "/portal/help/place/?q=芳草",
        "/portal/help/place/?q=fc",
        f"/portal/help/form/?unit={tree.community_a.pk}",
        "/portal/track/",
        "/portal/rights/",
        f"/portal/rights/{page.pk}/",
        "/portal/schedule/",
        "/portal/nearby/",
        f"/portal/nearby/?in={tree.community_a.pk}",
        f"/portal/nearby/?in={tree.district_a.pk}&kind=womens_home&page=2",
        "/portal/nearby/?q=芳草",
        "/portal/nearby/?in=abc",
        "/portal/no-such-page/",
        "/portal/rights/999999/",
        "/portal/help/form/?unit=abc",
        "/rili/",
    ]


def test_the_walk_covers_every_public_url_pattern(tree, content):
    """A public page added later must be added to the walk below."""
    from django.urls import resolve

    from jinguo.portal import urls

    public = {p.name for p in urls.urlpatterns if not str(p.pattern).startswith("portal-staff/")}
    walked = {resolve(url.split("?")[0]).url_name for url in public_get_urls(tree)}
    assert public - walked - {"not_found"} == set()
    assert "not_found" in walked


def test_every_public_page_is_hardened_and_shows_nothing_internal(
    client, tree, content, worked_appeal, district_officer
):
    appeal, code = worked_appeal
    case = appeal.case
    forbidden = [
        STORY,
        NOTE,
        RESPONDENT,
        district_officer.real_name,
        district_officer.username,
        case.number,
        "portal-intake",
        "草稿文章",
    ]
    responses = [client.get(url) for url in public_get_urls(tree)]
    responses.append(client.post("/portal/track/", {"code": code, "pin": "2580"}))
    responses.append(client.post("/portal/track/", {"code": code, "pin": "0000"}))
    for response in responses:
        assert response.status_code in (200, 400, 404), response.request
        assert_hardened(response)
        text = response.content.decode()
        for word in forbidden:
            assert word not in text, (response.request["PATH_INFO"], word)
        # Quick exit on every portal page (the neutral page is the exit itself).
        if response.request["PATH_INFO"] != "/rili/":
            assert 'id="quick-exit"' in text and 'data-exit-url="/rili/"' in text
            assert "portal/portal.js" in text
            assert "<script>" not in text and "style=" not in text


def test_she_reads_the_status_and_the_published_reply_with_code_and_pin(client, worked_appeal):
    _appeal, code = worked_appeal
    response = client.post("/portal/track/", {"code": code, "pin": "2580"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "已收到，正在等待工作人员受理" in text
    assert "我们已收到，会在您方便的时候联系您。" in text
    # Which unit handles it is not told (the picker names units; the status page does not).
    assert "和平区妇联" not in text and "芳草社区妇联" not in text


def test_a_wrong_pin_tells_her_nothing_and_a_lock_tells_her_to_call(client, worked_appeal):
    _appeal, code = worked_appeal
    response = client.post("/portal/track/", {"code": code, "pin": "0000"})
    assert "查询码或查询密码不对" in response.content.decode()
    for _ in range(4):
        response = client.post("/portal/track/", {"code": code, "pin": "0000"})
    text = response.content.decode()
    assert "暂时锁定" in text and "12338" in text
    assert (
        "我们已收到"
        not in client.post("/portal/track/", {"code": code, "pin": "2580"}).content.decode()
    )


def test_the_form_works_without_javascript_and_gives_a_code(client, tree, submit):
    form = client.get(f"/portal/help/form/?unit={tree.community_a.pk}")
    assert form.status_code == 200
    assert_hardened(form)
    assert "csrftoken" in form.cookies
    response = submit(tree.community_a, in_danger="on")
    text = response.content.decode()
    assert response.status_code == 200
    code = re.search(r'data-testid="tracking-code">([^<]+)<', text).group(1)
    assert len(code.replace(" ", "")) == 12
    # In danger: 110 and 12338 come before the code.
    assert text.index("tel:110") < text.index("tracking-code")
    assert text.index("tel:12338") < text.index("tracking-code")
    case = Case.objects.get()
    assert case.org == tree.district_a and case.channel == "portal"


def test_a_failed_form_keeps_what_she_typed(client, tree, submit):
    response = submit(tree.community_a, contact_way="phone", pin="12")
    text = response.content.decode()
    assert response.status_code == 400
    assert "他昨晚又动手了" in text
    assert "请填写一个安全的电话号码" in text or "4 到 8 位数字" in text
    assert not Case.objects.exists()


def test_the_honeypot_refuses_quietly(client, tree, submit):
    response = submit(tree.community_a, website="http://spam.example")
    assert response.status_code == 400
    assert_hardened(response)
    assert not Case.objects.exists()


def test_a_form_sent_too_fast_is_refused_but_keeps_her_words(client, tree, submit, settings):
    settings.JINGUO_PORTAL_MIN_FILL_SECONDS = 60
    response = submit(tree.community_a)
    text = response.content.decode()
    assert response.status_code == 400
    assert "提交得太快了" in text and "他昨晚又动手了" in text
    assert not Case.objects.exists()


def test_a_forged_start_token_is_refused(client, tree, submit):
    response = submit(tree.community_a, started="forged")
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_submissions_per_address_are_limited_with_a_calm_page(client, tree, submit, settings):
    settings.JINGUO_PORTAL_SUBMIT_PER_ADDRESS = 2
    assert submit(tree.community_a).status_code == 200
    assert submit(tree.community_a).status_code == 200
    response = submit(tree.community_a)
    assert response.status_code == 429
    assert_hardened(response)
    assert "12338" in response.content.decode()
    assert Case.objects.count() == 2
    other = submit(tree.community_a, meta={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_submissions_overall_are_limited(client, tree, submit, settings):
    settings.JINGUO_PORTAL_SUBMIT_PER_MINUTE = 1
    assert submit(tree.community_a).status_code == 200
    assert submit(tree.community_a, meta={"REMOTE_ADDR": "10.0.0.8"}).status_code == 429


def test_a_flood_does_not_block_the_staff_side(
    client, tree, submit, settings, login, district_officer
):
    settings.JINGUO_PORTAL_SUBMIT_PER_MINUTE = 0
    assert submit(tree.community_a).status_code == 429
    staff = login(district_officer)
    assert staff.get(reverse("cases:case_list")).status_code == 200


def test_lookups_per_address_are_limited(client, worked_appeal, settings):
    settings.JINGUO_PORTAL_LOOKUP_PER_ADDRESS = 3
    _appeal, code = worked_appeal
    for _ in range(3):
        assert client.post("/portal/track/", {"code": code, "pin": "2580"}).status_code == 200
    assert client.post("/portal/track/", {"code": code, "pin": "2580"}).status_code == 429


def test_the_place_picker_works_down_the_tree_and_by_search(client, tree):
    top = client.get("/portal/help/place/").content.decode()
    assert tree.city.name in top
    street = client.get(f"/portal/help/place/?in={tree.street_a.pk}").content.decode()
    assert tree.community_a.name in street and tree.community_a2.name in street
    assert tree.community_b.name not in street
    assert f"/portal/help/form/?unit={tree.community_a.pk}" in street
    found = client.get("/portal/help/place/?q=桃李").content.decode()
    assert tree.community_b.name in found and tree.community_a.name not in found
    assert "芳草社区第一网格" not in client.get("/portal/help/place/?q=网格").content.decode()


def test_quick_exit_replaces_the_page_and_the_exit_page_has_no_trace_of_the_portal(client):
    from django.contrib.staticfiles import finders

    script = Path(finders.find("portal/portal.js")).read_text(encoding="utf-8")
    assert "location.replace" in script and "Escape" in script
    neutral = client.get("/rili/")
    assert neutral.status_code == 200
    text = neutral.content.decode()
    for word in ("portal", "妇", "求助", "维权"):
        assert word not in text
    assert "no-store" in neutral["Cache-Control"]


def test_the_exit_url_is_configurable(client, settings):
    settings.JINGUO_PORTAL_EXIT_URL = "https://weather.example.cn/"
    text = client.get("/portal/").content.decode()
    assert 'data-exit-url="https://weather.example.cn/"' in text


def test_knowledge_pages_render_safely(client, db):
    page = KnowledgePage.objects.create(
        title="测试", body="<script>alert(1)</script>\n[点我](javascript:alert(1))\n**重点**"
    )
    text = client.get(f"/portal/rights/{page.pk}/").content.decode()
    assert "<script>alert" not in text and "&lt;script&gt;" in text
    assert "javascript:" not in text
    assert "<strong>重点</strong>" in text


def test_schedule_shows_consultations_and_campaign_days(client, content):
    text = client.get("/portal/schedule/").content.decode()
    assert "律师在线" in text
    for name in ("三八国际妇女节", "6·26", "11·25", "12·4"):
        assert name in text


def test_a_staff_session_cookie_is_not_refreshed_on_portal_pages(client, login, district_officer):
    staff = login(district_officer)
    response = staff.get("/portal/")
    assert "sessionid" not in response.cookies


def test_started_token_is_signed():
    assert started_token() != started_token.__name__


@pytest.mark.parametrize(
    "url",
    [
        "/portal/help/place/?in=99999999999999999999999",
        "/portal/help/place/?in=-1",
        "/portal/help/place/?q=%25_%5C%00",
        "/portal/help/form/?unit=99999999999999999999999",
        "/portal/help/form/",
        "/portal/rights/99999999999999999999999/",
    ],
)
def test_odd_input_gets_a_calm_answer_never_a_500(client, tree, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert_hardened(response)


def test_odd_posts_get_a_calm_answer(client, tree, worked_appeal):
    for data in (
        {"code": "x" * 200, "pin": "1"},
        {"code": "ＡＢＣＤ-ＥＦＧＨ-ＪＫＭＮ", "pin": "١٢٣٤"},
        {},
    ):
        response = client.post("/portal/track/", data)
        assert response.status_code == 400
    response = client.post("/portal/help/form/", {"unit": tree.community_a.pk, "topic": "zzz"})
    assert response.status_code == 400
    response = client.post("/portal/help/form/", {"unit": "x"})
    assert response.status_code == 404


def test_a_lost_csrf_cookie_gets_the_portal_page_back_with_her_words(tree):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/portal/help/form/",
        {"unit": tree.community_a.pk, "started": started_token(), "story": "我的话还在"},
    )
    text = response.content.decode()
    assert response.status_code == 403
    assert_hardened(response)
    assert "我的话还在" in text and "请检查后再点一次提交" in text
    assert not Case.objects.exists()
    # The page it gave back carries a fresh token: the second submit goes through.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    response = strict.post(
        "/portal/help/form/",
        {
            "csrfmiddlewaretoken": token,
            "unit": tree.community_a.pk,
            "started": started_token(),
            "topic": "family",
            "story": "我的话还在",
            "contact_way": "none",
            "pin": "2580",
        },
    )
    assert response.status_code == 200
    assert Case.objects.count() == 1
    tracked = strict.post("/portal/track/", {"code": "X", "pin": "1"}, HTTP_COOKIE="")
    assert tracked.status_code in (400, 403)
    assert_hardened(tracked)
