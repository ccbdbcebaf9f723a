"""Person services: validation, duplicates, optimistic locking, audit, encryption at rest."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from jinguo.core.models import AuditEvent
from jinguo.people import choices
from jinguo.people.models import Person
from jinguo.people.selectors.persons import likely_duplicates
from jinguo.people.services.persons import (
    person_create,
    person_deactivate,
    person_update,
)
from jinguo.people.tests.factories import PersonFactory, resident_id
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

BIRTH = date(1985, 3, 1)
ID = resident_id(BIRTH, "F")  # 110105198503010248-style, valid check digit


def create(user, org, **values):
    values.setdefault("name", "张丽")
    return person_create(user=user, org=org, **values)


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


def test_birth_date_and_gender_are_derived_from_the_resident_id(tree, community_chair):
    person = create(community_chair, tree.community_a, id_number=ID.lower(), gender="")
    assert person.birth_date == BIRTH
    assert person.gender == choices.Gender.FEMALE
    assert person.id_number == ID.upper()
    assert person.name_pinyin == "zhangli" and person.name_initials == "zl"


def test_wrong_check_digit_is_a_chinese_error_on_the_id_field(tree, community_chair):
    wrong = ID[:17] + ("0" if ID[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        create(community_chair, tree.community_a, id_number=wrong)
    assert "校验位错误" in errors_of(exc)["id_number"][0]


def test_birth_date_mismatch_names_the_birth_date_field(tree, community_chair):
    with pytest.raises(ValidationError) as exc:
        create(community_chair, tree.community_a, id_number=ID, birth_date=date(1985, 3, 2))
    message = errors_of(exc)["birth_date"][0]
    assert "出生日期" in message and "不一致" in message


def test_gender_mismatch_names_the_gender_field(tree, community_chair):
    with pytest.raises(ValidationError) as exc:
        create(community_chair, tree.community_a, id_number=ID, gender="M")
    assert "性别与身份证号码不一致" in errors_of(exc)["gender"][0]


def test_name_is_required(tree, community_chair):
    with pytest.raises(ValidationError) as exc:
        create(community_chair, tree.community_a, name="  ")
    assert errors_of(exc)["name"] == ["请填写姓名。"]


def test_foreigners_and_people_without_id_are_recordable(tree, community_chair):
    foreigner = create(
        community_chair,
        tree.community_a,
        name="Anna Schmidt",
        id_type=choices.IdType.PASSPORT,
        id_number="c12345678",
        nationality="德国",
    )
    assert foreigner.id_number == "C12345678"
    assert foreigner.name_pinyin == "annaschmidt"
    nobody = create(community_chair, tree.community_a, name="无名", id_type=choices.IdType.NONE)
    assert nobody.id_number == "" and nobody.id_number_index == ""
    with pytest.raises(ValidationError) as exc:
        create(community_chair, tree.community_a, id_type=choices.IdType.NONE, id_number="X1")
    assert "无证件" in errors_of(exc)["id_number"][0]


def test_phones_are_validated_and_normalised(tree, community_chair):
    person = create(community_chair, tree.community_a, phone="+86 138-0013-8000")
    assert person.phone == "13800138000"
    with pytest.raises(ValidationError) as exc:
        create(community_chair, tree.community_a, phone="12345")
    assert "电话号码格式不正确" in errors_of(exc)["phone"][0]


def test_unit_must_be_a_community_or_grid_in_the_users_subtree(tree, community_chair):
    with pytest.raises(ValidationError) as exc:
        create(community_chair, tree.community_b)
    assert "管辖范围" in errors_of(exc)["org"][0]
    officer = user_with_role(tree.district_a, "rights_officer")
    with pytest.raises(ValidationError) as exc:
        create(officer, tree.street_a)
    assert "社区" in errors_of(exc)["org"][0]
    assert create(community_chair, tree.grid_a).org == tree.grid_a


def test_permission_is_required(tree, nobody):
    with pytest.raises(PermissionDenied):
        create(nobody, tree.community_a)


def test_exact_id_duplicate_is_blocked_naming_the_existing_record(tree, community_chair):
    first = create(community_chair, tree.community_a, id_number=ID)
    with pytest.raises(ValidationError) as exc:
        create(community_chair, tree.community_a, id_number=ID)
    message = errors_of(exc)["id_number"][0]
    assert f"档案 #{first.pk}" in message
    assert ID not in message and ID[-4:] not in message  # never the number itself


def test_a_deactivated_record_still_blocks_the_same_id(tree, community_chair):
    first = create(community_chair, tree.community_a, id_number=ID)
    person_deactivate(user=community_chair, person=first, reason="迁出")
    with pytest.raises(ValidationError) as exc:
        create(community_chair, tree.community_a, id_number=ID)
    assert "已停用的档案" in errors_of(exc)["id_number"][0]


def test_raw_columns_hold_no_plaintext(tree, community_chair):
    person = create(
        community_chair,
        tree.community_a,
        id_number=ID,
        phone="13800138000",
        phone2="051268001234",
        address="江苏省苏州市姑苏区平江路 88 号",
        health_notes="乳腺癌术后康复",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, phone2, address, health_notes, id_number_index, phone_index "
            "FROM people_person WHERE id = %s",
            [person.pk],
        )
        raw = " ".join(str(v) for v in cursor.fetchone())
    for secret in (ID, "13800138000", "051268001234", "平江路", "乳腺癌", "8000"):
        assert secret not in raw


def test_audit_rows_keep_pii_encrypted_and_name_nothing(tree, community_chair):
    person = create(community_chair, tree.community_a, id_number=ID, phone="13800138000")
    event = AuditEvent.objects.get(action="create", object_type="people.person")
    assert event.object_repr == f"档案 #{person.pk}"
    text = str(event.after) + str(event.detail)
    assert ID not in text and "13800138000" not in text
    assert "search_text" not in event.after


def test_update_checks_the_version_and_records_a_diff(tree, community_chair):
    person = create(community_chair, tree.community_a, phone="13800138000")
    updated = person_update(
        user=community_chair, person=person, expected_version=1, phone="13900139000"
    )
    assert updated.version == 2
    assert Person.objects.get(pk=person.pk).phone == "13900139000"
    event = AuditEvent.objects.filter(action="update").latest("id")
    assert set(event.after) >= {"phone", "version"}
    assert "13900139000" not in str(event.after)
    # A second writer still holding version 1 loses with a clear message.
    with pytest.raises(ValidationError) as exc:
        person_update(user=community_chair, person=person, expected_version=1, notes="x")
    assert exc.value.code == "conflict"
    assert "其他人已修改" in exc.value.messages[0]


def test_update_cross_checks_a_stored_id_with_a_new_birth_date(tree, community_chair):
    person = create(community_chair, tree.community_a, id_number=ID)
    with pytest.raises(ValidationError) as exc:
        person_update(
            user=community_chair, person=person, expected_version=1, birth_date=date(1990, 1, 1)
        )
    assert "不一致" in errors_of(exc)["birth_date"][0]


def test_update_out_of_scope_is_refused(tree, community_chair, other_district_officer):
    person = create(community_chair, tree.community_a)
    with pytest.raises(PermissionDenied):
        person_update(user=other_district_officer, person=person, expected_version=1, notes="x")


def test_moving_to_another_unit_takes_the_dependants_along(tree, district_officer):
    person = create(district_officer, tree.community_a)
    person_update(user=district_officer, person=person, expected_version=1, org=tree.community_a2)
    person.refresh_from_db()
    assert person.org == tree.community_a2 and person.org_path == tree.community_a2.path


def test_a_minor_becomes_sensitive(tree, district_officer):
    child = create(district_officer, tree.community_a, name="王小丫", birth_date=date(2018, 1, 1))
    assert Person.objects.get(pk=child.pk).is_sensitive


def test_likely_duplicates_by_pinyin_and_birth_or_phone(tree, community_chair):
    same = PersonFactory(org=tree.community_a, name="张丽", birth_date=BIRTH)
    homophone = PersonFactory(org=tree.community_a, name="章莉", birth_date=BIRTH)
    by_phone = PersonFactory(org=tree.community_a2, name="李梅", phone="13800138000")
    PersonFactory(org=tree.community_a, name="张丽", birth_date=date(1990, 1, 1))
    hidden = PersonFactory(org=tree.community_b, name="张丽", birth_date=BIRTH)
    inactive = PersonFactory(org=tree.community_a, name="张丽", birth_date=BIRTH, is_active=False)

    found = likely_duplicates(community_chair, name="张丽", birth_date=BIRTH)
    assert {p.pk for p in found.visible} == {same.pk, homophone.pk}
    assert found.hidden_count == 1  # the one in 桃李社区, counted but not shown
    assert hidden.pk not in {p.pk for p in found.visible}
    assert inactive.pk not in {p.pk for p in found.visible}

    officer = user_with_role(tree.district_a, "rights_officer")
    by_phone_found = likely_duplicates(officer, name="王芳", phone="138 0013 8000")
    assert [p.pk for p in by_phone_found.visible] == [by_phone.pk]
    assert not likely_duplicates(officer, name="王芳", birth_date=BIRTH)
