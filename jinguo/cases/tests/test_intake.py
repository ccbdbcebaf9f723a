"""Registering appeals: numbers, sensitivity, complainants, repeats, idempotent intake."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from jinguo.cases import choices
from jinguo.cases.models import Case, CaseEvent, CaseParty
from jinguo.cases.selectors import cases_for_person, visible_cases
from jinguo.cases.services.common import ConflictError
from jinguo.cases.services.intake import (
    case_add_note,
    case_create,
    case_create_idempotent,
    case_update,
    party_add,
    party_remove,
)
from jinguo.cases.tests.factories import category, make_case
from jinguo.core.models import AuditEvent
from jinguo.people.models import Person
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers and its in-memory test database "
    "is not shared between threads",
)


@pytest.fixture
def operator(tree):
    """A 12338 operator of 和平区妇联."""
    return user_with_role(tree.district_a, "hotline_operator", username="op_heping")


@pytest.fixture
def grid_worker(tree):
    return user_with_role(tree.grid_a, "grid_worker", username="grid_fangcao")


def raw_column(case, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM cases_case WHERE id = %s", [case.pk])
        return cursor.fetchone()[0]


def register(user, **kw):
    kw.setdefault("channel", choices.Channel.HOTLINE_12338)
    kw.setdefault("summary", "反映家庭矛盾")
    kw.setdefault("category", category("family-dispute"))
    return case_create(user=user, **kw)


def test_numbers_are_readable_sequential_and_per_unit(tree, operator, district_officer):
    first = register(operator)
    second = register(operator)
    year = timezone.localtime().year
    assert first.number == f"990101-{year}-000001"
    assert second.number == f"990101-{year}-000002"
    other = register(district_officer, org=tree.street_a)
    assert other.number == f"990101001-{year}-000001"


def test_registration_writes_event_audit_deadline_and_creator_share(tree, operator):
    case = register(operator, narrative="丈夫经常辱骂")
    assert case.status == choices.Status.REGISTERED
    assert case.org == tree.district_a
    assert case.decide_due_at is not None and case.due_at == case.decide_due_at
    assert list(case.events.values_list("kind", flat=True)) == ["registered"]
    assert AuditEvent.objects.filter(object_id=str(case.pk), action="create").exists()
    # The narrative is encrypted at rest.
    assert "辱骂" not in raw_column(case, "narrative")
    assert Case.objects.get(pk=case.pk).narrative == "丈夫经常辱骂"


def test_violence_needs_a_gbv_type_and_makes_the_case_sensitive(operator):
    with pytest.raises(ValidationError) as exc:
        register(operator, category=category("family"), subcategory=category("family-violence"))
    assert "暴力类型" in exc.value.message_dict["gbv_type"][0]
    case = register(
        operator,
        category=category("family"),
        subcategory=category("family-violence"),
        gbv_type=choices.GbvType.PHYSICAL,
    )
    assert case.is_sensitive


@pytest.mark.parametrize(
    "extra",
    [
        {"gbv_type": choices.GbvType.SEXUAL_ASSAULT},
        {"involves_minor": True},
        {"category": "children"},
    ],
)
def test_sexual_violence_minors_and_sensitive_categories_are_sensitive(operator, extra):
    if "category" in extra:
        extra = {"category": category(extra["category"])}
    assert register(operator, **extra).is_sensitive


def test_a_plain_dispute_is_not_sensitive(operator):
    assert not register(operator).is_sensitive


def test_a_minor_party_makes_the_case_sensitive(tree, operator):
    child = PersonFactory(
        org=tree.community_a, birth_date=timezone.localdate() - timedelta(days=3000)
    )
    case = register(operator, parties=[{"person": child, "role": choices.PartyRole.VICTIM}])
    assert case.is_sensitive and case.involves_minor


def test_subcategory_must_belong_to_the_category(operator):
    with pytest.raises(ValidationError) as exc:
        register(operator, category=category("labour"), subcategory=category("family-divorce"))
    assert "不属于" in exc.value.message_dict["subcategory"][0]


def test_summary_must_not_carry_a_phone_number(operator):
    with pytest.raises(ValidationError) as exc:
        register(operator, summary="来电13812345678反映")
    assert "电话" in exc.value.message_dict["summary"][0]


def test_bad_caller_phone_is_a_chinese_error(operator):
    with pytest.raises(ValidationError) as exc:
        register(operator, caller_phone="12345")
    assert "电话号码格式不正确" in exc.value.message_dict["caller_phone"][0]


def test_landline_caller_phone_is_kept_encrypted_and_indexed(operator):
    case = register(operator, caller_phone="010-62345678", anonymous=True)
    assert "62345678" not in raw_column(case, "caller_phone")
    assert case.caller_phone == "01062345678"
    assert case.caller_phone_index


def test_an_existing_complainant_must_be_visible(tree, operator, other_district_officer):
    theirs = PersonFactory(org=tree.community_b)
    with pytest.raises(ValidationError) as exc:
        register(operator, complainant=theirs)
    assert "complainant" in exc.value.message_dict
    ours = PersonFactory(org=tree.community_a)
    assert register(operator, complainant=ours).complainant == ours


def test_a_new_complainant_is_filed_through_the_people_services(tree, operator):
    case = register(
        operator,
        new_complainant={
            "name": "王丽",
            "gender": "F",
            "phone": "13812345678",
            "org": tree.community_a,
        },
    )
    person = case.complainant
    assert person.name == "王丽" and person.org == tree.community_a
    assert person.phone_index == case.complainant.phone_index != ""


def test_new_complainant_errors_are_keyed_by_field(tree, operator):
    with pytest.raises(ValidationError) as exc:
        register(operator, new_complainant={"name": "", "phone": "123", "org": tree.community_a})
    assert {"complainant_name", "complainant_phone"} <= set(exc.value.message_dict)
    assert not Case.objects.exists()


def test_a_new_complainant_needs_a_community_or_grid(tree, operator):
    with pytest.raises(ValidationError) as exc:
        register(operator, new_complainant={"name": "王丽"})
    assert "complainant_org" in exc.value.message_dict


def test_anonymous_with_a_complainant_is_refused(tree, operator):
    with pytest.raises(ValidationError):
        register(operator, anonymous=True, complainant=PersonFactory(org=tree.community_a))


def test_without_add_permission_nothing_is_registered(nobody):
    with pytest.raises(PermissionDenied):
        register(nobody)


def test_an_org_outside_the_users_subtree_is_refused(tree, operator):
    with pytest.raises(ValidationError) as exc:
        register(operator, org=tree.district_b)
    assert "org" in exc.value.message_dict


def test_grid_report_goes_to_the_community_and_stays_visible_to_the_reporter(
    tree, grid_worker, community_chair, district_officer
):
    case = register(grid_worker, channel=choices.Channel.GRID)
    assert case.org == tree.community_a
    assert visible_cases(grid_worker).filter(pk=case.pk).exists()
    # After it moves up (out of her grid), the creator share still shows it to her.
    from jinguo.cases.services.workflow import case_escalate

    case_escalate(user=community_chair, case=case)
    assert visible_cases(grid_worker).filter(pk=case.pk).exists()


def test_repeat_by_the_same_complainant_within_30_days(tree, operator):
    person = PersonFactory(org=tree.community_a)
    first = register(operator, complainant=person)
    second = register(operator, complainant=person)
    assert second.is_repeat and second.repeat_of == first
    assert second.events.filter(kind=choices.EventKind.REPEAT).exists()
    assert not first.is_repeat
    # Both are on her page, newest first.
    assert list(cases_for_person(operator, person)) == [second, first]


def test_repeat_by_caller_phone_links_to_a_complainants_own_phone_index(tree, operator):
    first = register(operator, caller_phone="13812345678", anonymous=True)
    second = register(operator, caller_phone="138 1234 5678", anonymous=True)
    assert second.repeat_of == first


def test_no_repeat_after_30_days(tree, operator):
    person = PersonFactory(org=tree.community_a)
    register(operator, complainant=person, received_at=timezone.now() - timedelta(days=31))
    assert not register(operator, complainant=person).is_repeat


def test_idempotent_intake_returns_the_first_case(operator):
    first, created = case_create_idempotent(
        user=operator,
        channel="hotline_12338",
        summary="热线来电",
        category=category("consultation"),
        client_reference="CALL-1",
    )
    again, created_again = case_create_idempotent(
        user=operator,
        channel="hotline_12338",
        summary="热线来电",
        category=category("consultation"),
        client_reference="CALL-1",
    )
    assert created and not created_again and again == first
    assert Case.objects.count() == 1


def test_idempotent_intake_needs_a_reference(operator):
    with pytest.raises(ValidationError):
        case_create_idempotent(
            user=operator, channel="hotline_12338", summary="x", category=category("consultation")
        )


def test_update_recomputes_sensitivity_and_detects_conflicts(tree, district_officer):
    case = make_case(tree.district_a)
    updated = case_update(
        user=district_officer,
        case=case,
        version=case.version,
        summary="家暴求助",
        narrative="",
        category=category("family"),
        subcategory=category("family-violence"),
        gbv_type="physical",
        urgency="urgent",
        involves_minor=False,
    )
    assert updated.is_sensitive and updated.version == case.version + 1
    assert updated.events.filter(kind="updated").exists()
    with pytest.raises(ConflictError):
        case_update(
            user=district_officer,
            case=case,
            version=case.version,
            summary="旧页面",
            narrative="",
            category=category("family"),
            subcategory=None,
            gbv_type="",
            urgency="normal",
            involves_minor=False,
        )


def test_parties_and_notes(tree, district_officer):
    case = make_case(tree.district_a)
    child = PersonFactory(
        org=tree.community_a, birth_date=timezone.localdate() - timedelta(days=2000)
    )
    party = party_add(user=district_officer, case=case, role="child", person=child)
    case.refresh_from_db()
    assert case.is_sensitive and case.involves_minor
    other = party_add(
        user=district_officer, case=case, role="respondent", description="丈夫，约40岁"
    )
    party_remove(user=district_officer, party=other)
    assert list(CaseParty.objects.filter(case=case)) == [party]
    note = case_add_note(user=district_officer, case=case, note="已电话联系")
    assert note.kind == "note" and CaseEvent.objects.get(pk=note.pk).note == "已电话联系"
    with pytest.raises(ValidationError):
        case_add_note(user=district_officer, case=case, note="  ")


def test_another_branch_cannot_touch_the_case(tree, other_district_officer):
    case = make_case(tree.district_a)
    with pytest.raises(ValidationError):
        case_add_note(user=other_district_officer, case=case, note="越权")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_share_a_number(tree):
    operator = user_with_role(tree.district_a, "hotline_operator", username="op_concurrent")
    cat = category("consultation")
    writers, each = 6, 5
    barrier = threading.Barrier(writers)
    errors = []

    def writer():
        try:
            barrier.wait(timeout=30)
            for _i in range(each):
                case_create(
                    user=operator, channel="hotline_12338", summary="并发来电", category=cat
                )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == writers * each
    year = timezone.localtime().year
    assert sorted(numbers)[-1] == f"990101-{year}-{writers * each:06d}"


def test_person_is_untouched_when_registration_fails(tree, operator):
    with pytest.raises(ValidationError):
        register(
            operator,
            summary="",
            new_complainant={"name": "王丽", "org": tree.community_a},
        )
    assert not Person.objects.exists()


def test_a_received_time_before_2000_is_a_typing_error(tree, operator):
    import datetime as dt

    with pytest.raises(ValidationError) as caught:
        register(operator, received_at=dt.datetime(1834, 3, 1, tzinfo=dt.UTC))
    assert "2000" in str(caught.value.message_dict["received_at"])
    assert not Case.objects.exists()
