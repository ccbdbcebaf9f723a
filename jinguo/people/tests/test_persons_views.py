"""Person pages: masking and reveal, sensitivity, search, list queries, create and edit flows."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent
from jinguo.people.models import FocusTagType, Person, PersonTag
from jinguo.people.tests.factories import PersonFactory, resident_id
from jinguo.testing.factories import grant, user_with_role

pytestmark = pytest.mark.django_db

BIRTH = date(1985, 3, 1)
ID = resident_id(BIRTH, "F")
PHONE = "13800138000"
ADDRESS = "江苏省苏州市姑苏区平江路88号"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def zhang(tree):
    return PersonFactory(
        org=tree.community_a,
        name="张丽",
        birth_date=BIRTH,
        id_type="resident",
        id_number=ID,
        phone=PHONE,
        address=ADDRESS,
        notes="丈夫长期在外务工，独自照顾两个孩子",
    )


def tag(person, code="left_behind", sensitive=False, next_review_on=None):
    tag_type, _ = FocusTagType.objects.get_or_create(
        code=code, defaults={"name": code, "sensitive": sensitive}
    )
    return PersonTag.objects.create(
        person=person,
        org=person.org,
        tag_type=tag_type,
        review_days=90,
        next_review_on=next_review_on or timezone.localdate() + timedelta(days=30),
    )


def form_data(unit, **extra):
    data = {
        "name": "王芳",
        "gender": "",
        "birth_date": "",
        "id_type": "resident",
        "id_number": "",
        "ethnicity": "汉族",
        "nationality": "中国",
        "phone": "",
        "phone2": "",
        "address": "",
        "org": unit.pk,
        "registration": "local",
        "origin_place": "",
        "living_situation": "family",
        "marital_status": "unknown",
        "education": "unknown",
        "employment": "unknown",
        "disability": "none",
        "health_notes": "",
        "notes": "",
    }
    data.update(extra)
    return data


def secrets_absent(html: str):
    assert ID not in html
    assert PHONE not in html
    assert "平江路" not in html


# --- masking and reveal ----------------------------------------------------------------


def test_detail_list_and_api_never_show_unmasked_values(client, tree, community_chair, zhang):
    client.force_login(community_chair)
    detail = client.get(reverse("people:person_detail", args=[zhang.pk])).content.decode()
    secrets_absent(detail)
    assert "张丽" in detail  # workers in scope see the full name
    assert "110105********" + ID[-4:] in detail
    assert "138****8000" in detail
    listing = client.get(reverse("people:person_list")).content.decode()
    secrets_absent(listing)
    assert "张丽" in listing
    edit = client.get(reverse("people:person_update", args=[zhang.pk])).content.decode()
    secrets_absent(edit)
    api = client.get(reverse("person-detail", args=[zhang.pk])).content.decode()
    secrets_absent(api)
    assert client.get(reverse("person-list")).content.decode().count(ID) == 0


def test_reveal_needs_a_reason_logs_it_and_returns_the_value(client, tree, community_chair, zhang):
    client.force_login(community_chair)
    url = reverse("people:person_reveal", args=[zhang.pk, "id_number"])
    form = client.get(url, **HTMX)
    assert form.status_code == 200 and "查看理由" in form.content.decode()

    empty = client.post(url, {"reason": "  "}, **HTMX)
    assert empty.status_code == 200
    assert "须填写理由" in empty.content.decode()
    assert ID not in empty.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()

    shown = client.post(url, {"reason": "核实低保申请"}, **HTMX)
    assert ID in shown.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert event.detail == {"field": "id_number", "reason": "核实低保申请"}
    assert event.object_id == str(zhang.pk) and event.user_id == community_chair.pk
    assert ID not in str(event.detail)


def test_reveal_without_permission_is_403_and_out_of_scope_404(client, tree, zhang):
    worker = user_with_role(tree.community_a, "grid_worker")
    client.force_login(worker)
    url = reverse("people:person_reveal", args=[zhang.pk, "phone"])
    assert client.post(url, {"reason": "x"}).status_code == 403
    outsider = user_with_role(tree.community_b, "community_chair")
    client.force_login(outsider)
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert client.post(
        reverse("people:person_reveal", args=[zhang.pk, "name"]), {"reason": "x"}
    ).status_code in (404, 403)
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_export_masks_names_unless_export_pii(client, tree, community_chair, zhang):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(community_chair)
    r = client.get(reverse("people:person_list") + "?export=xlsx")
    assert r.status_code == 200
    values = [c.value for row in load_workbook(BytesIO(r.content)).active.iter_rows() for c in row]
    assert "张**" in values and "张丽" not in values and ID not in values
    event = AuditEvent.objects.get(action="export")
    assert event.detail["rows"] == 1 and event.detail["masked"] is True

    grant(community_chair, "core.export_pii")
    r = client.get(reverse("people:person_list") + "?export=xlsx")
    values = [c.value for row in load_workbook(BytesIO(r.content)).active.iter_rows() for c in row]
    assert "张丽" in values and ID in values


# --- sensitivity -----------------------------------------------------------------------


def test_sensitive_person_needs_view_sensitive_and_opening_is_logged(client, tree, zhang):
    from jinguo.people.services.derived import person_refresh_sensitivity

    tag(zhang, code="dv_victim", sensitive=True)
    person_refresh_sensitivity(zhang)
    url = reverse("people:person_detail", args=[zhang.pk])
    chair = user_with_role(tree.community_a, "community_chair")  # no view_sensitive
    client.force_login(chair)
    assert client.get(url).status_code == 404
    assert "张丽" not in client.get(reverse("people:person_list")).content.decode()

    officer = user_with_role(tree.district_a, "rights_officer")  # has view_sensitive
    client.force_login(officer)
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(
        action="open", object_id=str(zhang.pk), user_id=officer.pk
    ).exists()


# --- finding ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["zhangli", "zl", "ZhangL", "张丽"])
def test_search_by_pinyin_initials_and_name(client, tree, community_chair, zhang, query):
    PersonFactory(org=tree.community_a, name="李梅")
    client.force_login(community_chair)
    html = client.get(reverse("people:person_list"), {"q": query}).content.decode()
    assert zhang.get_absolute_url() in html
    assert "李梅" not in html


def test_full_text_search_on_notes(client, tree, community_chair, zhang):
    PersonFactory(org=tree.community_a, name="李梅", notes="独居老人")
    client.force_login(community_chair)
    html = client.get(reverse("people:person_list"), {"q": "务工"}).content.decode()
    assert "张丽" in html and "李梅" not in html


def test_filters_age_unit_tag_overdue(client, tree, district_officer, zhang):
    young = PersonFactory(org=tree.community_a2, name="赵敏", birth_date=date(2000, 1, 1))
    tag(young, next_review_on=timezone.localdate() - timedelta(days=1))
    tag(zhang)
    client.force_login(district_officer)
    url = reverse("people:person_list")

    def names(**params):
        html = client.get(url, params).content.decode()
        return {n for n in ("张丽", "赵敏") if n in html}

    today = timezone.localdate()
    age = today.year - 2000 - ((today.month, today.day) < (1, 1))
    assert names(age_min=age, age_max=age) == {"赵敏"}
    assert names(age_min=age + 1) == {"张丽"}
    assert names(unit=tree.community_a.pk) == {"张丽"}
    assert names(overdue="true") == {"赵敏"}
    tag_type = FocusTagType.objects.get(code="left_behind")
    assert names(tag=tag_type.pk) == {"张丽", "赵敏"}


def test_list_query_count_does_not_grow_with_rows(
    client, tree, district_officer, django_assert_max_num_queries
):
    client.force_login(district_officer)
    url = reverse("people:person_list")
    for n in range(3):
        tag(PersonFactory(org=tree.community_a, name=f"甲{n}"))
    client.get(url)  # warm caches (content types, permissions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(20):
        person = PersonFactory(org=tree.community_a2, name=f"乙{n}")
        tag(person)
        tag(person, code="poor_mother")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    with django_assert_max_num_queries(14):
        client.get(url, HTTP_HX_REQUEST="true")


def test_htmx_list_request_returns_only_the_table(client, tree, community_chair, zhang):
    client.force_login(community_chair)
    html = client.get(reverse("people:person_list"), {"q": "zl"}, **HTMX).content.decode()
    assert "<html" not in html and "张丽" in html


# --- create and edit -------------------------------------------------------------------


def test_create_derives_from_id_and_redirects(client, tree, community_chair):
    client.force_login(community_chair)
    other_id = resident_id(date(1990, 5, 6), "F", seq=33)
    r = client.post(
        reverse("people:person_create"), form_data(tree.community_a, id_number=other_id)
    )
    assert r.status_code == 302, r.context["form"].errors
    person = Person.objects.get(name="王芳")
    assert person.birth_date == date(1990, 5, 6) and person.gender == "F"
    assert r["Location"] == person.get_absolute_url()


def test_create_keeps_everything_typed_on_error(client, tree, community_chair):
    client.force_login(community_chair)
    bad = ID[:17] + ("0" if ID[17] != "0" else "1")
    r = client.post(
        reverse("people:person_create"),
        form_data(tree.community_a, id_number=bad, phone=PHONE, address=ADDRESS, notes="备注内容"),
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "校验位错误" in html
    # What she typed is still there (her own input, shown back to her only).
    assert f'value="{bad}"' in html and f'value="{PHONE}"' in html and ADDRESS in html
    assert "备注内容" in html
    assert not Person.objects.exists()


def test_create_shows_likely_duplicates_then_saves_on_confirm(client, tree, community_chair, zhang):
    client.force_login(community_chair)
    data = form_data(tree.community_a, name="张丽", birth_date="1985-03-01", gender="F")
    r = client.post(reverse("people:person_create"), data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "疑似重复" in html and zhang.get_absolute_url() in html
    assert Person.objects.count() == 1
    r = client.post(reverse("people:person_create"), {**data, "confirm_duplicates": "on"})
    assert r.status_code == 302
    assert Person.objects.count() == 2


def test_create_with_an_existing_id_is_blocked_with_a_link(client, tree, community_chair, zhang):
    client.force_login(community_chair)
    r = client.post(
        reverse("people:person_create"),
        form_data(tree.community_a, name="张莉", id_number=ID, confirm_duplicates="on"),
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert f"档案 #{zhang.pk}" in html
    assert zhang.get_absolute_url() in html
    assert Person.objects.count() == 1


def test_duplicate_out_of_scope_is_named_but_not_linked(client, tree, zhang):
    outsider = user_with_role(tree.community_b, "community_chair")
    client.force_login(outsider)
    r = client.post(
        reverse("people:person_create"), form_data(tree.community_b, name="某人", id_number=ID)
    )
    html = r.content.decode()
    assert f"档案 #{zhang.pk}" in html
    assert zhang.get_absolute_url() not in html
    assert "张丽" not in html


def test_edit_conflict_keeps_what_was_typed(client, tree, community_chair, zhang):
    client.force_login(community_chair)
    url = reverse("people:person_update", args=[zhang.pk])
    data = form_data(
        tree.community_a,
        name="张丽",
        birth_date="1985-03-01",
        gender="F",
        notes="我新写的备注",
        version=zhang.version,
    )
    # Someone else saves first.
    Person.objects.filter(pk=zhang.pk).update(version=zhang.version + 1)
    r = client.post(url, data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "其他人已修改" in html and "我新写的备注" in html
    assert Person.objects.get(pk=zhang.pk).notes != "我新写的备注"


def test_edit_leaves_protected_fields_alone_unless_typed_or_cleared(
    client, tree, community_chair, zhang
):
    client.force_login(community_chair)
    url = reverse("people:person_update", args=[zhang.pk])
    base = form_data(
        tree.community_a, name="张丽", birth_date="1985-03-01", gender="F", id_type="resident"
    )
    r = client.post(url, {**base, "notes": "改了备注", "version": 1})
    assert r.status_code == 302
    zhang.refresh_from_db()
    assert zhang.id_number == ID and zhang.phone == PHONE and zhang.notes == "改了备注"
    r = client.post(url, {**base, "version": 2, "clear": ["phone"]})
    assert r.status_code == 302
    zhang.refresh_from_db()
    assert zhang.phone == "" and zhang.id_number == ID


def test_deactivate_hides_from_default_list(client, tree, community_chair, zhang):
    client.force_login(community_chair)
    r = client.post(reverse("people:person_deactivate", args=[zhang.pk]), {"reason": "已迁出"})
    assert r.status_code == 302
    zhang.refresh_from_db()
    assert not zhang.is_active
    assert (
        zhang.get_absolute_url() not in client.get(reverse("people:person_list")).content.decode()
    )
    html = client.get(reverse("people:person_list"), {"status": "inactive"}).content.decode()
    assert zhang.get_absolute_url() in html
    assert AuditEvent.objects.filter(action="deactivate", detail__reason="已迁出").exists()
