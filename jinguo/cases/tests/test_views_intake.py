"""Intake pages: the 12338 hotline page and its phone look-up, general intake, grid report."""

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.cases.models import Case, Category
from jinguo.cases.tests.factories import make_case
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def operator(tree):
    """A 12338 operator of 和平区妇联."""
    return user_with_role(tree.district_a, "hotline_operator", username="op_heping")


@pytest.fixture
def grid_worker(tree):
    return user_with_role(tree.grid_a, "grid_worker", username="grid_fangcao", real_name="网格刘")


def node(code):
    return Category.objects.get(code=code).pk


def hotline_data(**extra):
    data = {
        "caller_phone": PHONE,
        "channel": "hotline_12338",
        "received_at": "2026-03-02T09:30",
        "category_node": node("family-dispute"),
        "gbv_type": "",
        "urgency": "normal",
        "summary": "反映婆媳矛盾，希望调解",
        "narrative": "来电人称与婆婆长期不和，近日争吵升级。",
        "complainant": "",
        "nc_name": "",
        "nc_gender": "F",
        "nc_phone": "",
        "party-TOTAL_FORMS": "2",
        "party-INITIAL_FORMS": "0",
        "party-MIN_NUM_FORMS": "0",
        "party-MAX_NUM_FORMS": "20",
        "party-0-role": "",
        "party-0-description": "",
        "party-0-person": "",
        "party-1-role": "",
        "party-1-description": "",
        "party-1-person": "",
    }
    data.update(extra)
    return data


def test_hotline_page_focuses_the_phone_and_presets_the_channel(client, operator):
    client.force_login(operator)
    html = client.get(reverse("cases:hotline")).content.decode()
    assert 'data-testid="caller-phone"' in html
    phone_input = html[html.index('data-testid="caller-phone"') - 700 :]
    assert "autofocus" in phone_input[:800]
    assert 'value="hotline_12338" selected' in html
    assert "cases/intake.js" in html
    assert reverse("cases:hotline_lookup") in html


def test_lookup_shows_earlier_appeals_and_her_record_masked(client, tree, operator):
    woman = PersonFactory(org=tree.community_a, name="张丽", phone=PHONE)
    earlier = make_case(tree.street_a, summary="上次反映家庭矛盾", complainant=woman)
    by_phone = make_case(tree.district_a, summary="匿名来电求助", caller_phone=PHONE)
    from jinguo.cases.selectors import _phone_index

    Case.objects.filter(pk=by_phone.pk).update(caller_phone_index=_phone_index(PHONE))
    elsewhere = make_case(tree.community_b, summary="别处的诉求", complainant=woman)
    client.force_login(operator)
    html = client.get(reverse("cases:hotline_lookup"), {"caller_phone": PHONE}, **HTMX)
    html = html.content.decode()
    assert earlier.number in html and by_phone.number in html
    assert elsewhere.number not in html  # another district's case stays out of reach
    assert "张**" in html and "张丽" not in html
    assert f'data-pick-person="{woman.pk}"' in html
    assert PHONE not in html


def test_lookup_waits_for_a_whole_number(client, operator):
    client.force_login(operator)
    html = client.get(reverse("cases:hotline_lookup"), {"caller_phone": "139"}).content.decode()
    assert "输入完整号码" in html


def test_hotline_post_creates_the_case_and_shows_its_number(client, tree, operator):
    client.force_login(operator)
    data = hotline_data(**{"party-0-role": "respondent", "party-0-description": "婆婆，约65岁"})
    response = client.post(reverse("cases:hotline"), data, follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == f"{reverse('cases:hotline')}?registered={case.pk}"
    html = response.content.decode()
    assert f"已登记个案，编号 {case.number}" in html
    assert reverse("cases:case_detail", args=[case.pk]) in html
    assert case.channel == "hotline_12338" and case.org == tree.district_a
    assert case.narrative.startswith("来电人称")
    assert case.parties.get().description == "婆婆，约65岁"


def test_hotline_picks_a_person_as_complainant(client, tree, operator):
    woman = PersonFactory(org=tree.community_a, name="张丽", phone=PHONE)
    client.force_login(operator)
    client.post(reverse("cases:hotline"), hotline_data(complainant=str(woman.pk)))
    assert Case.objects.get().complainant == woman


def test_hotline_new_complainant_is_filed_in_the_chosen_community(client, tree, operator):
    client.force_login(operator)
    data = hotline_data(nc_name="王芳", nc_org=str(tree.community_a.pk))
    client.post(reverse("cases:hotline"), data)
    case = Case.objects.get()
    assert case.complainant.name == "王芳" and case.complainant.org == tree.community_a
    assert case.complainant.phone == PHONE  # the caller's number when none was typed


def test_failed_hotline_post_keeps_everything_and_shows_errors_by_field(client, operator):
    client.force_login(operator)
    data = hotline_data(
        summary="",
        category_node=node("family-violence"),
        narrative="丈夫多次动手，今天又被打伤了手臂。",
        **{"party-0-role": "respondent", "party-0-description": "丈夫，约40岁"},
    )
    response = client.post(reverse("cases:hotline"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert not Case.objects.exists()
    assert "丈夫多次动手，今天又被打伤了手臂。" in html  # narrative kept
    assert "丈夫，约40岁" in html  # party kept
    assert f'value="{PHONE}"' in html
    assert "涉及暴力的诉求须选择暴力类型" in html
    assert "请用一句话概括诉求" in html


def test_service_errors_land_on_their_fields(client, tree, operator):
    client.force_login(operator)
    # A new complainant without a community: refused up front, nothing is lost.
    response = client.post(reverse("cases:hotline"), hotline_data(nc_name="王芳"))
    html = response.content.decode()
    assert not Case.objects.exists()
    assert 'value="王芳"' in html
    assert "invalid-feedback" in html


def test_general_intake_has_selectable_channels(client, district_officer):
    client.force_login(district_officer)
    html = client.get(reverse("cases:intake")).content.decode()
    for label in ("来访", "来信/维权信箱", "电子邮件", "网格上报"):
        assert label in html
    data = hotline_data(channel="walk_in", caller_phone="")
    response = client.post(reverse("cases:intake"), data)
    case = Case.objects.get()
    assert response.status_code == 302 and case.channel == "walk_in"


def test_grid_worker_gets_the_short_report_form(client, tree, grid_worker):
    client.force_login(grid_worker)
    html = client.get(reverse("cases:intake")).content.decode()
    assert 'data-testid="grid-form"' in html
    assert 'name="channel"' not in html and 'name="org"' not in html
    response = client.post(
        reverse("cases:intake"),
        {
            "category_node": node("family-dispute"),
            "urgency": "priority",
            "summary": "邻里纠纷升级",
            "narrative": "两户因漏水争吵。",
            "nc_name": "",
            "nc_phone": "",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.channel == "grid" and case.org == tree.community_a


def test_intake_pages_are_closed_to_users_without_add(client, nobody, auditor):
    for user in (nobody, auditor):
        client.force_login(user)
        assert client.get(reverse("cases:hotline")).status_code == 404
        assert client.get(reverse("cases:intake")).status_code == 404
        assert (
            client.get(reverse("cases:hotline_lookup"), {"caller_phone": PHONE}).status_code == 404
        )


# --- the issue: a new caller at a city-level operator, the unit picker, the next call ---------


@pytest.fixture
def city_operator(tree):
    """The demo's 12338 operator sits at the city federation, which files no person itself."""
    return user_with_role(tree.city, "hotline_operator", username="hotline", real_name="周晓燕")


def test_new_named_caller_needs_her_community_up_front_and_keeps_everything(client, city_operator):
    client.force_login(city_operator)
    data = hotline_data(nc_name="王芳", narrative="来电人称与婆婆长期不和，近日争吵升级。")
    response = client.post(reverse("cases:hotline"), data)
    html = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    # The form's own check, on the community field, not the people service's late refusal.
    assert "新建诉求人档案须选择她所在的社区（村）或网格" in html
    assert "人员档案须归属到社区（村）妇联或网格" not in html
    label = html[html.index('for="id_nc_org"') - 80 : html.index('for="id_nc_org"')]
    assert "required" in label  # marked required once a name is entered
    assert 'value="王芳"' in html and "来电人称与婆婆长期不和" in html and PHONE in html


def test_community_is_marked_required_for_a_new_caller_and_the_case_is_saved(
    client, tree, city_operator
):
    client.force_login(city_operator)
    html = client.get(reverse("cases:hotline")).content.decode()
    assert "新建档案时必填" in html
    data = hotline_data(nc_name="王芳", nc_org=str(tree.grid_a.pk))
    response = client.post(reverse("cases:hotline"), data)
    assert response.status_code == 302
    assert Case.objects.get().complainant.org == tree.grid_a


def test_community_picker_is_a_search_box_not_a_list_of_every_community(
    client, tree, city_operator
):
    client.force_login(city_operator)
    html = client.get(reverse("cases:hotline")).content.decode()
    assert 'name="nc_org"' in html and "data-unit-picker" in html
    assert '<select name="nc_org"' not in html
    assert "桃李社区妇联" not in html  # no unit is listed until one is searched for
    assert reverse("orgs:unit_search") + "?kind=community&amp;kind=grid" in html
    assert "orgs/unit_picker.js" in html


def test_chosen_community_is_shown_again_after_another_error(client, tree, city_operator):
    client.force_login(city_operator)
    data = hotline_data(nc_name="王芳", nc_org=str(tree.community_a.pk), summary="")
    html = client.post(reverse("cases:hotline"), data).content.decode()
    assert f'name="nc_org" value="{tree.community_a.pk}"' in html
    assert 'value="芳草社区妇联（春晖街道妇联）"' in html


def test_a_community_out_of_reach_is_refused(client, tree, operator):
    client.force_login(operator)  # 和平区妇联: 桃李社区 lies in 新华区
    data = hotline_data(nc_name="王芳", nc_org=str(tree.community_b.pk))
    html = client.post(reverse("cases:hotline"), data).content.decode()
    assert not Case.objects.exists()
    assert "所选单位不存在或不在您的管辖范围内" in html


def test_after_saving_the_page_offers_the_next_call(client, tree, city_operator):
    client.force_login(city_operator)
    data = hotline_data(nc_name="王芳", nc_org=str(tree.community_a.pk))
    response = client.post(reverse("cases:hotline"), data, follow=True)
    case = Case.objects.get()
    html = response.content.decode()
    assert f"已登记个案，编号 {case.number}" in html
    start = html.index('data-testid="next-call"')
    button = html[html.rindex("<a", 0, start) : start]
    assert "登记下一个来电" in html[start : start + 200]
    assert "autofocus" in button and 'data-hotkey="n"' in button
    assert f'href="{reverse("cases:hotline")}"' in button


def test_registered_page_of_a_case_out_of_scope_is_a_fresh_form(client, tree, operator):
    other = make_case(tree.community_b, summary="别处的诉求")
    client.force_login(operator)
    html = client.get(reverse("cases:hotline"), {"registered": other.pk}).content.decode()
    assert other.number not in html and 'data-testid="hotline-form"' in html


def test_earlier_cases_show_surname_date_and_category_but_no_pii(client, tree, operator):
    woman = PersonFactory(org=tree.community_a, name="王秀英", phone=PHONE)
    earlier = make_case(
        tree.street_a,
        summary="反映丈夫酗酒后争吵",
        narrative="来电人称丈夫每晚酗酒。",
        complainant=woman,
    )
    client.force_login(operator)
    html = client.get(reverse("cases:hotline_lookup"), {"caller_phone": PHONE}, **HTMX)
    html = html.content.decode()
    item = html[html.index('data-testid="earlier-case"') :]
    assert "王**" in item
    assert timezone.localtime(earlier.received_at).strftime("%Y-%m-%d") in item
    assert earlier.category.name in item
    assert "王秀英" not in html and PHONE not in html
    assert "反映丈夫酗酒后争吵" not in html and "来电人称丈夫每晚酗酒" not in html


def test_general_intake_files_a_new_person_in_the_community_the_case_goes_to(
    client, tree, district_officer
):
    client.force_login(district_officer)
    data = hotline_data(channel="walk_in", nc_name="王芳", org=str(tree.community_a.pk))
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 302
    assert Case.objects.get().complainant.org == tree.community_a
    data = hotline_data(channel="walk_in", nc_name="李梅", org=str(tree.street_a.pk))
    html = client.post(reverse("cases:intake"), data).content.decode()
    assert "新建诉求人档案须选择她所在的社区（村）或网格" in html
