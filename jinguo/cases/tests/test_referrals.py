"""Referrals to partner agencies: consent, every transition, urging, and who sees what."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jinguo.cases.choices import EventKind, PartyRole, ReferralStatus
from jinguo.cases.models import Agency, AgencyMember, Referral
from jinguo.cases.services import referrals as svc
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent, Notification
from jinguo.people.services.consents import consent_record
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

S = ReferralStatus


@pytest.fixture
def legal_aid(tree):
    return Agency.objects.create(org=tree.district_a, name="和平区法律援助中心", kind="legal_aid")


@pytest.fixture
def police(tree):
    return Agency.objects.create(org=tree.district_a, name="和平区公安分局", kind="police")


def member_of(agency, username):
    user = user_with_role(agency.org, "partner", username=username)
    AgencyMember.objects.create(agency=agency, user=user)
    return user


@pytest.fixture
def lawyer(legal_aid):
    """A user of the legal-aid centre."""
    return member_of(legal_aid, "lawyer")


@pytest.fixture
def victim(tree):
    return PersonFactory(org=tree.street_a, name="王秀英")


@pytest.fixture
def dv_case(tree, victim, district_officer):
    return make_case(
        tree.street_a,
        category="family-violence",
        status="in_progress",
        assigned_to=district_officer,
        parties=[(victim, PartyRole.VICTIM)],
    )


def make_referral(case, agency, status=S.SENT, sender=None, **kw):
    kw.setdefault("due_at", timezone.now() + timedelta(days=5))
    return Referral.objects.create(
        case=case,
        agency=agency,
        request="请提供法律援助",
        status=status,
        consent_purpose=agency.consent_purpose,
        sent_by=sender,
        org=case.org,
        is_sensitive=case.is_sensitive,
        **kw,
    )


def events(case, kind):
    return list(case.events.filter(kind=kind))


# --- agencies one may refer to --------------------------------------------------------------


def test_agencies_for_covers_ancestors_and_subtree_only(tree, district_officer, legal_aid):
    city = Agency.objects.create(org=tree.city, name="市妇女儿童庇护中心", kind="shelter")
    street = Agency.objects.create(org=tree.street_a, name="春晖街道派出所", kind="police")
    Agency.objects.create(org=tree.district_b, name="新华区法律援助中心", kind="legal_aid")
    Agency.objects.create(org=tree.city, name="已停用机构", kind="other", is_active=False)
    assert set(svc.agencies_for(district_officer)) == {city, legal_aid, street}


def test_agency_users_and_sysadmins_refer_to_nobody(sysadmin, lawyer):
    assert not svc.agencies_for(lawyer).exists()
    assert not svc.agencies_for(sysadmin).exists()


# --- creating a referral: consent -----------------------------------------------------------


def test_referral_with_identity_is_refused_without_consent(dv_case, legal_aid, district_officer):
    with pytest.raises(ValidationError) as exc:
        svc.referral_create(
            user=district_officer, case=dv_case, agency=legal_aid, request="请提供法律援助"
        )
    message = " ".join(exc.value.message_dict["share_identity"])
    assert "向司法行政、法律援助机构提供" in message
    assert "王**（受害人）" in message
    assert "王秀英" not in message
    assert "不提供当事人身份信息" in message
    assert not Referral.objects.exists()


def test_referral_with_recorded_consent_is_sent_to_the_agency(
    dv_case, victim, legal_aid, lawyer, district_officer, django_capture_on_commit_callbacks
):
    consent_record(
        user=district_officer, person=victim, purpose="share_legal_aid", method="written"
    )
    with django_capture_on_commit_callbacks(execute=True):
        referral = svc.referral_create(
            user=district_officer, case=dv_case, agency=legal_aid, request="请提供法律援助"
        )
    assert referral.status == S.SENT
    assert referral.share_identity
    assert referral.consent_purpose == "share_legal_aid"
    assert referral.is_sensitive and referral.org == dv_case.org
    assert referral.due_at > referral.sent_at
    (event,) = events(dv_case, EventKind.REFERRED)
    assert event.data["referral_id"] == referral.pk
    assert event.data["agency"] == "和平区法律援助中心"
    assert AuditEvent.objects.filter(
        object_type="cases.referral", object_id=str(referral.pk), action="refer"
    ).exists()
    (note,) = Notification.objects.filter(recipient=lawyer)
    assert dv_case.number in note.title


def test_referral_without_identity_needs_no_consent(dv_case, legal_aid, district_officer):
    referral = svc.referral_create(
        user=district_officer,
        case=dv_case,
        agency=legal_aid,
        request="请提供法律咨询",
        share_identity=False,
    )
    assert referral.status == S.SENT and not referral.share_identity


def test_withdrawn_consent_no_longer_allows_sharing(dv_case, victim, police, district_officer):
    from jinguo.people.services.consents import consent_withdraw

    consent = consent_record(
        user=district_officer, person=victim, purpose="share_police", method="oral"
    )
    consent_withdraw(user=district_officer, consent=consent)
    with pytest.raises(ValidationError, match="向公安机关提供"):
        svc.referral_create(user=district_officer, case=dv_case, agency=police, request="报警")


def test_complainant_consent_is_checked_too(tree, legal_aid, district_officer):
    complainant = PersonFactory(org=tree.street_a, name="李娜")
    case = make_case(tree.street_a, status="accepted", complainant=complainant)
    with pytest.raises(ValidationError, match=r"李\*\*（诉求人）"):
        svc.referral_create(user=district_officer, case=case, agency=legal_aid, request="咨询")


def test_referral_refused_for_closed_case_foreign_agency_or_duplicate(
    tree, dv_case, legal_aid, district_officer
):
    closed = make_case(tree.street_a, status="closed")
    with pytest.raises(ValidationError, match="已结案或不予受理"):
        svc.referral_create(user=district_officer, case=closed, agency=legal_aid, request="x")
    foreign = Agency.objects.create(org=tree.district_b, name="新华区法援", kind="legal_aid")
    with pytest.raises(ValidationError) as exc:
        svc.referral_create(
            user=district_officer, case=dv_case, agency=foreign, request="x", share_identity=False
        )
    assert "agency" in exc.value.message_dict
    svc.referral_create(
        user=district_officer, case=dv_case, agency=legal_aid, request="x", share_identity=False
    )
    with pytest.raises(ValidationError, match="尚未完结"):
        svc.referral_create(
            user=district_officer, case=dv_case, agency=legal_aid, request="y", share_identity=False
        )


def test_out_of_scope_case_cannot_be_referred(dv_case, legal_aid, other_district_officer):
    with pytest.raises(ValidationError, match="不存在"):
        svc.referral_create(
            user=other_district_officer,
            case=dv_case,
            agency=legal_aid,
            request="x",
            share_identity=False,
        )


# --- every transition, allowed and forbidden ------------------------------------------------

AGENCY_MOVES = {
    "accept": ({S.SENT}, S.ACCEPTED, EventKind.REFERRAL_ACCEPTED),
    "decline": ({S.SENT}, S.DECLINED, EventKind.REFERRAL_DECLINED),
    "report": ({S.ACCEPTED, S.REPORTED}, S.REPORTED, EventKind.REFERRAL_REPORTED),
    "close": ({S.ACCEPTED, S.REPORTED}, S.CLOSED, EventKind.REFERRAL_CLOSED),
}
FEDERATION_MOVES = {
    "close": ({S.REPORTED}, S.CLOSED, EventKind.REFERRAL_CLOSED),
    "withdraw": ({S.SENT, S.ACCEPTED}, S.WITHDRAWN, EventKind.REFERRAL_WITHDRAWN),
}
TEXT = {
    "accept": {},
    "decline": {"reason": "不属于本中心受理范围"},
    "report": {"report": "已指派律师"},
}
TEXT |= {"close": {}, "withdraw": {"reason": "当事人撤回求助"}}


def run(action, user, referral):
    return getattr(svc, f"referral_{action}")(user=user, referral=referral, **TEXT[action])


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("action", AGENCY_MOVES)
def test_agency_transitions(action, status, dv_case, legal_aid, lawyer, district_officer):
    allowed_from, to, kind = AGENCY_MOVES[action]
    referral = make_referral(dv_case, legal_aid, status, sender=district_officer)
    if status not in allowed_from:
        with pytest.raises(ValidationError, match="不能进行此项操作"):
            run(action, lawyer, referral)
        referral.refresh_from_db()
        assert referral.status == status
        assert not dv_case.events.exists()
        return
    result = run(action, lawyer, referral)
    assert result.status == to
    (event,) = events(dv_case, kind)
    assert (event.from_status, event.to_status, event.actor) == (status, to, lawyer)
    assert AuditEvent.objects.filter(object_type="cases.referral", object_id=str(referral.pk))


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("action", FEDERATION_MOVES)
def test_federation_transitions(action, status, dv_case, legal_aid, district_officer):
    allowed_from, to, kind = FEDERATION_MOVES[action]
    referral = make_referral(dv_case, legal_aid, status, sender=district_officer)
    if status not in allowed_from:
        with pytest.raises(ValidationError):
            run(action, district_officer, referral)
        referral.refresh_from_db()
        assert referral.status == status
        return
    assert run(action, district_officer, referral).status == to
    (event,) = events(dv_case, kind)
    assert event.from_status == status


def test_reasons_and_reports_are_required(dv_case, legal_aid, lawyer, district_officer):
    referral = make_referral(dv_case, legal_aid)
    with pytest.raises(ValidationError, match="请填写退回理由"):
        svc.referral_decline(user=lawyer, referral=referral, reason="  ")
    with pytest.raises(ValidationError, match="请填写撤回原因"):
        svc.referral_withdraw(user=district_officer, referral=referral, reason="")
    svc.referral_accept(user=lawyer, referral=referral)
    with pytest.raises(ValidationError, match="请填写办理情况"):
        svc.referral_report(user=lawyer, referral=referral, report="")


def test_later_reports_keep_the_earlier_ones(dv_case, legal_aid, lawyer):
    referral = make_referral(dv_case, legal_aid, S.ACCEPTED)
    svc.referral_report(user=lawyer, referral=referral, report="已指派律师")
    referral = svc.referral_report(user=lawyer, referral=referral, report="已向法院申请保护令")
    assert "已指派律师" in referral.report and "已向法院申请保护令" in referral.report
    assert len(events(dv_case, EventKind.REFERRAL_REPORTED)) == 2


def test_agency_answer_notifies_sender_and_assignee(
    tree, dv_case, legal_aid, lawyer, district_officer, django_capture_on_commit_callbacks
):
    sender = user_with_role(tree.street_a, "rights_officer", username="jiedao")
    referral = make_referral(dv_case, legal_aid, sender=sender)
    with django_capture_on_commit_callbacks(execute=True):
        svc.referral_accept(user=lawyer, referral=referral, note="已接收")
    assert Notification.objects.filter(recipient=sender, title__contains="已接收").exists()
    assert Notification.objects.filter(recipient=district_officer).exists()
    assert not Notification.objects.filter(recipient=lawyer).exists()


# --- urging an overdue referral -------------------------------------------------------------


def test_urge_only_when_sent_and_overdue(dv_case, legal_aid, district_officer, lawyer):
    referral = make_referral(dv_case, legal_aid)
    assert "urge" not in svc.referral_allowed_actions(district_officer, referral)
    with pytest.raises(ValidationError, match="超过答复期限"):
        svc.referral_urge(user=district_officer, referral=referral)

    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(hours=1))
    referral.refresh_from_db()
    assert "urge" in svc.referral_allowed_actions(district_officer, referral)
    referral = svc.referral_urge(user=district_officer, referral=referral)
    referral = svc.referral_urge(user=district_officer, referral=referral)
    assert referral.urge_count == 2 and referral.last_urged_at is not None
    assert len(events(dv_case, EventKind.REFERRAL_URGED)) == 2

    svc.referral_accept(user=lawyer, referral=referral)
    with pytest.raises(ValidationError, match="超过答复期限"):
        svc.referral_urge(user=district_officer, referral=referral)


# --- who sees and acts on what --------------------------------------------------------------


def test_agency_member_sees_only_her_agencys_referrals(
    tree, dv_case, legal_aid, police, lawyer, district_officer
):
    mine = make_referral(dv_case, legal_aid)
    theirs = make_referral(dv_case, police)
    officer = member_of(police, "police_officer")
    assert list(Referral.objects.restrict(lawyer, "view")) == [mine]
    assert list(Referral.objects.restrict(officer, "view")) == [theirs]
    with pytest.raises(ValidationError, match="不存在"):
        svc.referral_accept(user=officer, referral=mine)
    assert svc.referral_allowed_actions(officer, mine) == set()
    assert svc.referral_allowed_actions(lawyer, mine) == {"accept", "decline"}
    # An agency member never acts for the federation side.
    with pytest.raises(ValidationError, match="不存在"):
        svc.referral_withdraw(user=lawyer, referral=mine, reason="x")


def test_removed_member_sees_nothing(dv_case, legal_aid, lawyer):
    referral = make_referral(dv_case, legal_aid)
    AgencyMember.objects.filter(user=lawyer).delete()
    assert not Referral.objects.restrict(lawyer, "view").exists()
    with pytest.raises(ValidationError, match="不存在"):
        svc.referral_accept(user=lawyer, referral=referral)


def test_federation_of_another_district_can_neither_see_nor_act(
    dv_case, legal_aid, district_officer, other_district_officer
):
    referral = make_referral(dv_case, legal_aid, due_at=timezone.now() - timedelta(days=1))
    assert not Referral.objects.restrict(other_district_officer, "view").exists()
    assert svc.referral_allowed_actions(other_district_officer, referral) == set()
    for action in ("withdraw", "urge"):
        with pytest.raises(ValidationError, match="不存在"):
            kwargs = {"reason": "x"} if action == "withdraw" else {}
            getattr(svc, f"referral_{action}")(
                user=other_district_officer, referral=referral, **kwargs
            )
    assert svc.referral_allowed_actions(district_officer, referral) == {"withdraw", "urge"}


def test_federation_worker_cannot_answer_for_the_agency(dv_case, legal_aid, district_officer):
    referral = make_referral(dv_case, legal_aid)
    with pytest.raises(PermissionDenied):
        svc.referral_accept(user=district_officer, referral=referral)
