"""Positions (任职) and elections (换届): every write of the roster.

- position_create / position_update / position_end: one person's position or other post.
- election_create, candidate_add, candidate_remove, election_report, election_decide: the
  vote, its report to the level above and that level's decision.
- roster_turnover: on the new term's start date the unit's federation positions end and the
  elected begin; run at once when the approved term has begun, else by the scheduled job
  ``elections_apply_due``. The history (ended positions, the election) stays.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit

from ..choices import ElectionMethod, ElectionStatus, Employment, PostKind
from ..models import Candidate, Election, Position, PositionType
from .common import (
    check_date,
    check_org,
    check_person,
    clean_text,
    require_perm,
    scoped_get,
)

POSITION_FIELDS = [
    "org",
    "person",
    "user",
    "position_type",
    "employment",
    "started_on",
    "ended_on",
    "helps_with",
    "public_contact",
    "note",
]


def _clean_position(user, errors, *, position_type, employment, started_on, ended_on, **text):
    if position_type is None or not isinstance(position_type, PositionType):
        errors["position_type"] = _("请选择职务。")
    elif not position_type.is_active:
        errors["position_type"] = _("该职务类型已停用。")
    if employment and employment not in Employment.values:
        errors["employment"] = _("请选择专职或兼职。")
    check_date(started_on, errors, "started_on", label=_("任职日期"), future_ok=True)
    check_date(ended_on, errors, "ended_on", label=_("离任日期"), future_ok=True, required=False)
    if started_on and ended_on and ended_on < started_on:
        errors["ended_on"] = _("离任日期不能早于任职日期。")
    return {
        "helps_with": clean_text(
            text.get("helps_with"), errors, "helps_with", label=_("服务事项"), max_length=200
        ),
        "public_contact": clean_text(
            text.get("public_contact"),
            errors,
            "public_contact",
            label=_("公开联系方式"),
            max_length=100,
        ),
        "note": clean_text(text.get("note"), errors, "note", label=_("备注"), max_length=200),
    }


def position_create(
    *,
    user,
    org,
    person,
    position_type,
    started_on,
    employment="",
    ended_on=None,
    account=None,
    helps_with="",
    public_contact="",
    note="",
    election=None,
) -> Position:
    require_perm(user, Position, "add")
    errors: dict = {}
    check_org(user, org, errors)
    check_person(user, person, errors, "person")
    texts = _clean_position(
        user,
        errors,
        position_type=position_type,
        employment=employment,
        started_on=started_on,
        ended_on=ended_on,
        helps_with=helps_with,
        public_contact=public_contact,
        note=note,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        position = Position.objects.create(
            org=org,
            person=person,
            user=account,
            position_type=position_type,
            employment=employment or "",
            started_on=started_on,
            ended_on=ended_on,
            election=election,
            **texts,
        )
        audit.record_change(user, position, "create", after=audit.snapshot(position))
    return position


def position_update(
    *,
    user,
    position,
    position_type,
    started_on,
    employment="",
    ended_on=None,
    account=None,
    helps_with="",
    public_contact="",
    note="",
) -> Position:
    errors: dict = {}
    texts = _clean_position(
        user,
        errors,
        position_type=position_type,
        employment=employment,
        started_on=started_on,
        ended_on=ended_on,
        helps_with=helps_with,
        public_contact=public_contact,
        note=note,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        position = scoped_get(user, Position, position, "change")
        before = audit.snapshot(position)
        position.position_type = position_type
        position.employment = employment or ""
        position.started_on = started_on
        position.ended_on = ended_on
        position.user = account
        for name, value in texts.items():
            setattr(position, name, value)
        position.save(
            update_fields=[
                "position_type",
                "employment",
                "started_on",
                "ended_on",
                "user",
                *texts,
            ]
        )
        audit.record_change(user, position, "update", before=before, after=audit.snapshot(position))
    return position


def position_end(*, user, position, ended_on) -> Position:
    errors: dict = {}
    check_date(ended_on, errors, "ended_on", label=_("离任日期"), future_ok=True)
    with transaction.atomic():
        position = scoped_get(user, Position, position, "change")
        if ended_on and ended_on < position.started_on:
            errors["ended_on"] = _("离任日期不能早于任职日期。")
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(position, ["ended_on"])
        position.ended_on = ended_on
        position.save(update_fields=["ended_on"])
        audit.record_change(
            user, position, "end", before=before, after=audit.snapshot(position, ["ended_on"])
        )
    return position


# --- elections -------------------------------------------------------------------------------


def election_create(
    *,
    user,
    org,
    held_on,
    method,
    term_starts_on,
    term_years=5,
    voters_total=None,
    voters_present=None,
    notes="",
) -> Election:
    require_perm(user, Election, "add")
    errors: dict = {}
    check_org(user, org, errors)
    check_date(held_on, errors, "held_on", label=_("选举日期"))
    check_date(term_starts_on, errors, "term_starts_on", label=_("任期开始日期"), future_ok=True)
    if held_on and term_starts_on and term_starts_on < held_on:
        errors["term_starts_on"] = _("新一届任期不能早于选举日期开始。")
    if method not in ElectionMethod.values:
        errors["method"] = _("请选择选举方式。")
    if not term_years or not 1 <= term_years <= 10:
        errors["term_years"] = _("任期须在 1 到 10 年之间。")
    if voters_total is not None and voters_present is not None and voters_present > voters_total:
        errors["voters_present"] = _("实到人数不能多于应到人数。")
    notes = clean_text(notes, errors, "notes", label=_("备注"), max_length=2000)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        election = Election.objects.create(
            org=org,
            held_on=held_on,
            method=method,
            term_starts_on=term_starts_on,
            term_years=term_years,
            voters_total=voters_total,
            voters_present=voters_present,
            notes=notes,
            created_by=user,
        )
        audit.record_change(user, election, "create", after=audit.snapshot(election))
    return election


def _editable(user, election) -> Election:
    election = scoped_get(user, Election, election, "change")
    if election.status != ElectionStatus.RECORDED:
        raise ValidationError(_("选举结果已报上级，不能再修改候选人。"))
    return election


def candidate_add(
    *, user, election, person, position_type, votes=0, elected=False, employment=""
) -> Candidate:
    errors: dict = {}
    check_person(user, person, errors, "person")
    if position_type is None or position_type.kind != PostKind.FEDERATION:
        errors["position_type"] = _("请选择妇联职务（主席、副主席、执委等）。")
    if employment and employment not in Employment.values:
        errors["employment"] = _("请选择专职或兼职。")
    if votes is None or votes < 0:
        errors["votes"] = _("得票数不能为负数。")
    with transaction.atomic():
        election = _editable(user, election)
        if election.voters_present is not None and votes and votes > election.voters_present:
            errors["votes"] = _("得票数不能多于实到人数（%(n)d）。") % {
                "n": election.voters_present
            }
        if (
            not errors
            and election.candidates.filter(person=person, position_type=position_type).exists()
        ):
            errors["person"] = _("此人已是该职务的候选人。")
        if errors:
            raise ValidationError(errors)
        candidate = Candidate.objects.create(
            election=election,
            person=person,
            position_type=position_type,
            votes=votes or 0,
            elected=bool(elected),
            employment=employment or "",
        )
        audit.record_change(
            user,
            election,
            "candidate_add",
            after={
                "person_id": person.pk,
                "position_type": position_type.code,
                "votes": candidate.votes,
                "elected": candidate.elected,
            },
        )
    return candidate


def candidate_remove(*, user, candidate) -> None:
    with transaction.atomic():
        election = _editable(user, candidate.election_id)
        candidate = election.candidates.filter(pk=candidate.pk).first()
        if candidate is None:
            raise ValidationError(_("记录不存在或不在您的管辖范围内。"))
        before = {"person_id": candidate.person_id, "position_type": candidate.position_type_id}
        candidate.delete()
        audit.record_change(user, election, "candidate_remove", before=before)


def election_report(*, user, election, reported_on=None) -> Election:
    reported_on = reported_on or timezone.localdate()
    with transaction.atomic():
        election = _editable(user, election)
        if not election.candidates.filter(elected=True).exists():
            raise ValidationError(_("请先登记当选人，再报上级。"))
        if reported_on < election.held_on:
            raise ValidationError({"reported_on": _("报上级日期不能早于选举日期。")})
        election.status = ElectionStatus.REPORTED
        election.reported_on = reported_on
        election.save(update_fields=["status", "reported_on"])
        audit.record_change(user, election, "election_report", after={"status": election.status})
    return election


def election_decide(*, user, election, approve: bool, note="", today=None) -> Election:
    """The level above approves (or not) the reported result; approval turns the roster over
    at once when the new term has begun."""
    today = today or timezone.localdate()
    errors: dict = {}
    note = clean_text(note, errors, "decision_note", label=_("批复意见"), max_length=300)
    if not approve and not note:
        errors["decision_note"] = _("不批准时请写明理由。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        election = scoped_get(user, Election, election, "approve")
        if election.org_id == user.home_unit_id:
            raise ValidationError(_("换届选举结果须由上一级妇联批复。"))
        if election.status != ElectionStatus.REPORTED:
            raise ValidationError(_("只有已报上级的选举结果才能批复。"))
        election.status = ElectionStatus.APPROVED if approve else ElectionStatus.REJECTED
        election.decided_on = today
        election.decided_by = user
        election.decision_note = note
        election.save(update_fields=["status", "decided_on", "decided_by", "decision_note"])
        audit.record_change(
            user,
            election,
            "election_approve" if approve else "election_reject",
            after={"status": election.status, "note": note},
        )
        if approve and election.term_starts_on <= today:
            roster_turnover(election=election, user=user)
            election.refresh_from_db()
    return election


def roster_turnover(*, election, user=None) -> int:
    """End the unit's federation positions still held on the new term's first day and begin
    those of the elected; returns how many began. Runs once per election."""
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if election.status != ElectionStatus.APPROVED or election.applied_at is not None:
            return 0
        start = election.term_starts_on
        old = Position.objects.filter(
            org=election.org,
            position_type__kind=PostKind.FEDERATION,
            started_on__lt=start,
        ).exclude(ended_on__lt=start)
        ended = list(old.values_list("pk", flat=True))
        old.update(ended_on=start - timedelta(days=1))
        began = 0
        for candidate in election.candidates.filter(elected=True).select_related("person"):
            Position.objects.create(
                org=election.org,
                person=candidate.person,
                position_type=candidate.position_type,
                employment=candidate.employment,
                started_on=start,
                election=election,
            )
            began += 1
        election.status = ElectionStatus.IN_EFFECT
        election.applied_at = timezone.now()
        election.save(update_fields=["status", "applied_at"])
        audit.record_change(
            user, election, "roster_turnover", after={"ended": ended, "began": began}
        )
    return began


def elections_apply_due(now=None) -> int:
    """The scheduled job: approved elections whose term has begun turn their rosters over."""
    today = timezone.localdate(now) if now else timezone.localdate()
    count = 0
    due = Election.objects.filter(
        status=ElectionStatus.APPROVED, term_starts_on__lte=today, applied_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        if roster_turnover(election=Election(pk=pk)):
            count += 1
    return count
