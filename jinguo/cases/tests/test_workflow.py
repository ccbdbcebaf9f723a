"""Every transition of a case, allowed and forbidden, with its shares, events and notices."""

import pytest
from django.core.exceptions import ValidationError

from jinguo.cases import choices
from jinguo.cases.choices import Status
from jinguo.cases.models import CaseEvent, Extension
from jinguo.cases.selectors import queue_cases, visible_cases
from jinguo.cases.services.common import ConflictError
from jinguo.cases.services.workflow import (
    allowed_actions,
    case_accept,
    case_assign,
    case_close,
    case_decline,
    case_escalate,
    case_follow_up,
    case_pass_down,
    case_reopen,
    case_resolve,
    case_start,
    case_transfer,
    extension_decide,
    extension_request,
)
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent, Notification
from jinguo.testing.factories import grant, user_with_role


@pytest.fixture
def street_worker(tree):
    """A rights officer of 春晖街道妇联."""
    return user_with_role(
        tree.street_a, "rights_officer", username="worker_chunhui", real_name="周办"
    )


@pytest.fixture
def street_colleague(tree):
    return user_with_role(tree.street_a, "rights_officer", username="worker2", real_name="吴办")


@pytest.fixture
def street_leader(tree):
    return user_with_role(tree.street_a, "leader", username="leader_chunhui", real_name="郑领")


@pytest.fixture
def district_leader(tree):
    return user_with_role(tree.district_a, "leader", username="leader_heping", real_name="冯领")


def kinds(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


def run_on_commit(django_capture_on_commit_callbacks, fn, **kw):
    with django_capture_on_commit_callbacks(execute=True):
        return fn(**kw)


def test_the_whole_happy_path(
    tree, street_worker, street_leader, django_capture_on_commit_callbacks
):
    case = make_case(tree.street_a)
    case = case_accept(user=street_worker, case=case, version=case.version)
    assert case.status == Status.ACCEPTED and case.accepted_at and case.due_at == case.finish_due_at
    case = run_on_commit(
        django_capture_on_commit_callbacks,
        case_assign,
        user=street_leader,
        case=case,
        worker=street_worker,
    )
    assert case.status == Status.ASSIGNED and case.assigned_to == street_worker
    assert Notification.objects.filter(
        recipient=street_worker, title__contains=case.number
    ).exists()
    case = case_start(user=street_worker, case=case)
    case = case_resolve(user=street_worker, case=case, outcome="mediated", outcome_note="双方和解")
    assert case.status == Status.RESOLVED and case.due_at == case.follow_up_due_at
    follow_up = case_follow_up(
        user=street_worker, case=case, satisfaction="satisfied", result="closed"
    )
    case.refresh_from_db()
    assert follow_up.pk and case.status == Status.CLOSED and case.closed_at
    assert case.due_at is None and case.due_state == choices.DueState.NONE
    assert kinds(case) == [
        "accepted",
        "assigned",
        "started",
        "resolved",
        "followed_up",
        "closed",
    ]
    audited = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
    assert audited.filter(action="update").count() == 5


def test_stale_version_is_a_conflict(tree, street_worker):
    case = make_case(tree.street_a)
    with pytest.raises(ConflictError):
        case_accept(user=street_worker, case=case, version=case.version - 1 or 99)


@pytest.mark.parametrize(
    ("status", "fn", "kw"),
    [
        (Status.ACCEPTED, case_accept, {}),
        (Status.ASSIGNED, case_decline, {"reason": "不属于受理范围"}),
        (Status.REGISTERED, case_start, {}),
        (Status.ASSIGNED, case_resolve, {"outcome": "answered", "outcome_note": "已解答"}),
        (Status.IN_PROGRESS, case_close, {"note": "结案"}),
        (Status.IN_PROGRESS, case_reopen, {"reason": "再办"}),
        (Status.CLOSED, case_escalate, {}),
        (Status.RESOLVED, case_follow_up, {"satisfaction": "satisfied", "result": "closed"}),
    ],
)
def test_forbidden_transitions_say_why_in_chinese(tree, street_worker, status, fn, kw):
    case = make_case(tree.street_a, status=status)
    if fn is case_follow_up:
        case = make_case(tree.street_a, status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as exc:
        fn(user=street_worker, case=case, **kw)
    assert "不能" in " ".join(exc.value.messages)


def test_decline_needs_a_reason_and_tells_the_registrar(
    tree, street_worker, grid_worker_a, django_capture_on_commit_callbacks
):
    case = make_case(tree.street_a, created_by=grid_worker_a)
    with pytest.raises(ValidationError) as exc:
        case_decline(user=street_worker, case=case, reason=" ")
    assert "理由" in exc.value.message_dict["reason"][0]
    case = run_on_commit(
        django_capture_on_commit_callbacks,
        case_decline,
        user=street_worker,
        case=case,
        reason="属于劳动仲裁受理范围",
    )
    assert case.status == Status.DECLINED and case.decline_reason == "属于劳动仲裁受理范围"
    notice = Notification.objects.get(recipient=grid_worker_a)
    assert "不予受理" in notice.title and notice.body == "属于劳动仲裁受理范围"


@pytest.fixture
def grid_worker_a(tree):
    return user_with_role(tree.grid_a, "grid_worker", username="grid_a")


def test_permissions_by_action(tree, community_chair, street_worker):
    # A grid worker may register and view, never dispatch.
    grid = user_with_role(tree.grid_a, "grid_worker", username="g1")
    case = make_case(tree.community_a)
    with pytest.raises(ValidationError):
        case_accept(user=grid, case=case)
    # A hotline operator cannot approve extensions; a leader (approve) cannot resolve.
    leader = user_with_role(tree.community_a, "leader", username="l1")
    working = make_case(tree.community_a, status=Status.IN_PROGRESS, assigned_to=community_chair)
    with pytest.raises(ValidationError):
        case_resolve(user=leader, case=working, outcome="answered", outcome_note="x")


def test_reassigning_moves_the_assignee_share(tree, street_worker, street_colleague, street_leader):
    case = make_case(tree.street_a, category="family-violence", status=Status.ACCEPTED)
    # A worker without view_sensitive sees the sensitive case only while it is hers.
    chair = user_with_role(tree.street_a, "community_chair", username="chair_street")
    assert not visible_cases(chair).filter(pk=case.pk).exists()
    case = case_assign(user=street_leader, case=case, worker=chair)
    assert visible_cases(chair).filter(pk=case.pk).exists()
    assert queue_cases(chair, "mine").filter(pk=case.pk).exists()
    case = case_assign(user=street_leader, case=case, worker=street_colleague)
    assert not visible_cases(chair).filter(pk=case.pk).exists()
    assert case.assigned_to == street_colleague


def test_assign_only_to_handling_staff_of_the_unit(tree, street_leader, other_district_officer):
    case = make_case(tree.street_a, status=Status.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        case_assign(user=street_leader, case=case, worker=other_district_officer)
    assert "worker" in exc.value.message_dict


def test_pass_down_keeps_registered_and_notifies_the_receiving_leaders(
    tree, district_officer, django_capture_on_commit_callbacks
):
    leader = user_with_role(tree.street_a, "leader", username="street_leader")
    case = make_case(tree.district_a)
    case = run_on_commit(
        django_capture_on_commit_callbacks,
        case_pass_down,
        user=district_officer,
        case=case,
        unit=tree.street_a,
        note="请街道核实",
    )
    assert case.org == tree.street_a and case.org_path == tree.street_a.path
    assert case.status == Status.REGISTERED
    assert Notification.objects.filter(recipient=leader, title__contains="交办").exists()
    assert kinds(case)[-1] == "passed_down"
    # Still in the district's subtree: visible without any share.
    assert visible_cases(district_officer).filter(pk=case.pk).exists()


def test_pass_down_only_below_the_owner(tree, district_officer):
    case = make_case(tree.street_a)
    for unit in (tree.street_a, tree.district_a, tree.street_b, tree.grid_a):
        with pytest.raises(ValidationError):
            case_pass_down(user=district_officer, case=case, unit=unit)


def test_moving_an_assigned_case_makes_it_accepted_and_unassigned(
    tree, street_worker, street_leader
):
    case = make_case(tree.street_a, status=Status.ACCEPTED)
    case = case_assign(user=street_leader, case=case, worker=street_worker)
    case = case_escalate(user=street_leader, case=case, note="需区妇联协调")
    assert case.org == tree.district_a
    assert case.status == Status.ACCEPTED and case.assigned_to is None
    # The street worker keeps seeing it through her unit's view share, but cannot change it.
    assert visible_cases(street_worker).filter(pk=case.pk).exists()
    assert not visible_cases(street_worker, "change").filter(pk=case.pk).exists()


def test_escalate_from_the_top_is_refused(tree):
    city_officer = user_with_role(tree.city, "rights_officer", username="city_officer")
    case = make_case(tree.city)
    with pytest.raises(ValidationError) as exc:
        case_escalate(user=city_officer, case=case)
    assert "上级" in exc.value.messages[0]


def test_transfer_across_branches(tree, district_officer, other_district_officer):
    case = make_case(tree.street_a, status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        case_transfer(user=district_officer, case=case, unit=tree.district_b, note="")
    case = case_transfer(
        user=district_officer, case=case, unit=tree.district_b, note="户籍在新华区"
    )
    assert case.org == tree.district_b and case.status == Status.ACCEPTED
    assert visible_cases(other_district_officer, "dispatch").filter(pk=case.pk).exists()
    # The unit it left (the street) keeps a view share.
    street_user = user_with_role(tree.street_a, "rights_officer", username="s_view")
    assert visible_cases(street_user).filter(pk=case.pk).exists()


def test_unsatisfied_follow_up_cannot_close(tree, community_chair):
    case = make_case(tree.community_a, status=Status.RESOLVED, assigned_to=community_chair)
    with pytest.raises(ValidationError) as exc:
        case_follow_up(user=community_chair, case=case, satisfaction="unsatisfied", result="closed")
    assert "不满意" in exc.value.message_dict["result"][0]


def test_unsatisfied_follow_up_reopens_with_the_same_worker(tree, community_chair):
    case = make_case(tree.community_a, status=Status.RESOLVED, assigned_to=community_chair)
    case_follow_up(
        user=community_chair,
        case=case,
        satisfaction="unsatisfied",
        result="reopened",
        note="对方仍未支付抚养费",
    )
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.assigned_to == community_chair
    assert case.resolved_at is None and case.due_at == case.finish_due_at
    assert kinds(case)[-2:] == ["followed_up", "reopened"]


def test_unsatisfied_follow_up_escalates_to_the_parent(tree, community_chair):
    case = make_case(tree.community_a, status=Status.RESOLVED, assigned_to=community_chair)
    case_follow_up(user=community_chair, case=case, satisfaction="unsatisfied", result="escalated")
    case.refresh_from_db()
    assert case.org == tree.street_a and case.status == Status.ACCEPTED
    assert case.assigned_to is None and case.satisfaction == "unsatisfied"


def test_unreachable_closes_a_case_not_about_violence(tree, community_chair):
    case = make_case(tree.community_a, status=Status.RESOLVED)
    case_follow_up(user=community_chair, case=case, satisfaction="", result="unreachable")
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_unreachable_never_closes_a_violence_case_and_warns_the_leader(
    tree, community_chair, django_capture_on_commit_callbacks
):
    leader = user_with_role(tree.community_a, "leader", username="leader_fangcao")
    grant(community_chair, "core.view_sensitive")
    case = make_case(tree.community_a, category="family-violence", status=Status.RESOLVED)
    version = case.version
    follow_up = run_on_commit(
        django_capture_on_commit_callbacks,
        case_follow_up,
        user=community_chair,
        case=case,
        satisfaction="",
        result="unreachable",
    )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.closed_at is None
    assert case.version == version + 1
    assert follow_up.result == "unreachable"
    assert list(case.events.values_list("kind", flat=True)) == [choices.EventKind.FOLLOWED_UP]
    note = Notification.objects.get(recipient=leader, title__contains=case.number)
    assert case.number in note.title and note.level == "warning"
    # The chair can still call again, and close it once she reaches the woman.
    case_follow_up(user=community_chair, case=case, satisfaction="satisfied", result="closed")
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_the_follow_up_form_does_not_offer_closing_an_unreachable_violence_case(tree):
    from jinguo.cases.forms.cases import FollowUpForm

    violence = make_case(tree.community_a, category="family-violence", status=Status.RESOLVED)
    plain = make_case(tree.community_a, status=Status.RESOLVED)
    labels = dict(FollowUpForm(case=violence, user=None).fields["result"].choices)
    assert str(labels["unreachable"]) == "无法联系（不结案，提醒单位负责人）"
    assert (
        dict(FollowUpForm(case=plain, user=None).fields["result"].choices)["unreachable"]
        == "无法联系，结案"
    )


def test_close_and_reopen(tree, community_chair):
    case = make_case(tree.community_a, status=Status.RESOLVED, assigned_to=community_chair)
    with pytest.raises(ValidationError):
        case_close(user=community_chair, case=case, note="")
    case = case_close(user=community_chair, case=case, note="诉求人拒绝回访")
    assert case.status == Status.CLOSED
    with pytest.raises(ValidationError):
        case_reopen(user=community_chair, case=case, reason="")
    case = case_reopen(user=community_chair, case=case, reason="诉求人再次来访")
    assert case.status == Status.IN_PROGRESS and case.closed_at is None
    declined = make_case(tree.community_a, status=Status.DECLINED, decline_reason="x")
    declined = case_reopen(user=community_chair, case=declined, reason="复查后应受理")
    assert declined.status == Status.REGISTERED and declined.decline_reason == ""


def test_extension_request_and_approval(tree, street_worker, street_leader, street_colleague):
    case = make_case(tree.street_a, status=Status.IN_PROGRESS, assigned_to=street_worker)
    due = case.finish_due_at
    with pytest.raises(ValidationError) as exc:
        extension_request(user=street_worker, case=case, days=31, reason="需等待鉴定")
    assert "30" in exc.value.message_dict["days"][0]
    ext = extension_request(user=street_worker, case=case, days=20, reason="需等待伤情鉴定")
    with pytest.raises(ValidationError):
        extension_request(user=street_worker, case=case, days=5, reason="再延")
    # The requester cannot approve (even holding approve); a worker without approve cannot.
    grant(street_worker, "cases.approve_case")
    with pytest.raises(ValidationError):
        extension_decide(user=street_worker, extension=ext, approve=True)
    with pytest.raises(ValidationError):
        extension_decide(user=street_colleague, extension=ext, approve=True)
    assert "approve_extension" in allowed_actions(street_leader, case)
    extension_decide(user=street_leader, extension=ext, approve=True, note="同意")
    case.refresh_from_db()
    assert case.extension_days == 20
    assert (case.finish_due_at - due).days == 20 and case.due_at == case.finish_due_at
    assert Extension.objects.get(pk=ext.pk).status == "approved"
    # 10 days remain: 11 is too many.
    with pytest.raises(ValidationError):
        extension_request(user=street_worker, case=case, days=11, reason="再延")
    ext2 = extension_request(user=street_worker, case=case, days=10, reason="再延十天")
    with pytest.raises(ValidationError):
        extension_decide(user=street_leader, extension=ext2, approve=False, note="")
    extension_decide(user=street_leader, extension=ext2, approve=False, note="不必延期")
    case.refresh_from_db()
    assert case.extension_days == 20
    assert kinds(case)[-1] == "extension_rejected"


def test_allowed_actions_follow_state_and_permission(tree, street_worker, street_leader):
    case = make_case(tree.street_a)
    assert {
        "accept",
        "decline",
        "transfer",
        "escalate",
        "pass_down",
        "edit",
        "note",
        "print",
        "refer",
        "mediate",
        "attach",
    } <= allowed_actions(street_worker, case)
    assert "resolve" not in allowed_actions(street_worker, case)
    assert {"accept", "decline"} <= allowed_actions(street_leader, case)
    assert "edit" not in allowed_actions(street_leader, case)
    working = make_case(tree.street_a, status=Status.IN_PROGRESS, assigned_to=street_worker)
    assert {"resolve", "request_extension", "assign"} <= allowed_actions(street_worker, working)
    closed = make_case(tree.street_a, status=Status.CLOSED)
    assert allowed_actions(street_worker, closed) == {"reopen", "print"}
    # A community case in a unit without handling sub-units offers no pass-down.
    chair = user_with_role(tree.community_a, "community_chair", username="c9")
    assert "pass_down" not in allowed_actions(chair, make_case(tree.community_a))


def test_allowed_actions_after_the_case_left_the_users_subtree(tree, street_worker, street_leader):
    case = make_case(tree.street_a, status=Status.ACCEPTED)
    case = case_escalate(user=street_leader, case=case)
    assert allowed_actions(street_worker, case) == {"print"}
