"""妇女议事会: a council per community, its members, meetings, the resolutions a meeting
takes (who follows each up, by when) and their follow-up until done."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.scoping import may
from jinguo.orgs.choices import UnitKind

from ..choices import ResolutionStatus
from ..models import Council, CouncilMember, FollowUp, Meeting, Resolution
from .common import check_date, check_org, check_person, clean_text, require_perm, scoped_get


def council_create(*, user, org, name="", founded_on=None) -> Council:
    require_perm(user, Council, "add")
    errors: dict = {}
    check_org(user, org, errors)
    if "org" not in errors and org.kind != UnitKind.COMMUNITY:
        errors["org"] = _("妇女议事会须设在村（社区）。")
    name = clean_text(name, errors, "name", label=_("名称"), max_length=100)
    if not errors and Council.objects.filter(org=org).exists():
        errors["org"] = _("该村（社区）已有妇女议事会。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        council = Council.objects.create(
            org=org, name=name or f"{org.name}{_('妇女议事会')}", founded_on=founded_on
        )
        audit.record_change(user, council, "create", after=audit.snapshot(council))
    return council


def member_add(*, user, council, person, role="") -> CouncilMember:
    errors: dict = {}
    check_person(user, person, errors, "person")
    role = clean_text(role, errors, "role", label=_("职责"), max_length=40)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        council = scoped_get(user, Council, council, "change")
        if council.members.filter(person=person).exists():
            raise ValidationError({"person": _("此人已是议事会成员。")})
        member = CouncilMember.objects.create(council=council, person=person, role=role)
        audit.record_change(user, council, "council_member_add", after={"member": member.pk})
    return member


def meeting_create(*, user, council, held_on, topics, discussion="") -> Meeting:
    require_perm(user, Meeting, "add")
    errors: dict = {}
    if council is None or not may(user, "change", council):
        errors["council"] = _("所选议事会不存在或不在您的管辖范围内。")
    check_date(held_on, errors, "held_on", label=_("会议日期"))
    if held_on and held_on > timezone.localdate():
        errors["held_on"] = _("会议日期不能晚于今天。")
    topics = clean_text(topics, errors, "topics", label=_("议题"), max_length=4000, required=True)
    discussion = clean_text(discussion, errors, "discussion", label=_("讨论情况"), max_length=4000)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            org=council.org, council=council, held_on=held_on, topics=topics, discussion=discussion
        )
        audit.record_change(user, meeting, "create", after={"held_on": held_on})
    return meeting


def resolution_add(*, user, meeting, text, responsible, due_on) -> Resolution:
    errors: dict = {}
    text = clean_text(text, errors, "text", label=_("议定事项"), max_length=300, required=True)
    responsible = clean_text(
        responsible, errors, "responsible", label=_("落实责任人"), max_length=60, required=True
    )
    check_date(due_on, errors, "due_on", label=_("完成时限"))
    if due_on and meeting is not None and due_on < meeting.held_on:
        errors["due_on"] = _("完成时限不能早于会议日期。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = scoped_get(user, Meeting, meeting, "change")
        resolution = Resolution.objects.create(
            org=meeting.org, meeting=meeting, text=text, responsible=responsible, due_on=due_on
        )
        audit.record_change(
            user, resolution, "resolution_add", after={"meeting": meeting.pk, "due_on": due_on}
        )
    return resolution


def followup_add(*, user, resolution, note, done=False, noted_on=None) -> FollowUp:
    errors: dict = {}
    noted_on = noted_on or timezone.localdate()
    note = clean_text(note, errors, "note", label=_("落实情况"), max_length=500, required=True)
    if noted_on > timezone.localdate():
        errors["noted_on"] = _("日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        resolution = scoped_get(user, Resolution, resolution, "change")
        if resolution.status == ResolutionStatus.DONE:
            raise ValidationError(_("该事项已办结。"))
        followup = FollowUp.objects.create(
            resolution=resolution, noted_on=noted_on, note=note, recorded_by=user
        )
        if done:
            resolution.status = ResolutionStatus.DONE
            resolution.done_on = noted_on
            resolution.save(update_fields=["status", "done_on"])
        audit.record_change(
            user, resolution, "resolution_done" if done else "resolution_followup",
            after={"status": resolution.status},
        )  # fmt: skip
    return followup


def meeting_update(*, user, meeting, topics, discussion="") -> Meeting:
    """Correct or complete a meeting's topics and discussion (the date and resolutions stay)."""
    errors: dict = {}
    topics = clean_text(topics, errors, "topics", label=_("议题"), max_length=4000, required=True)
    discussion = clean_text(discussion, errors, "discussion", label=_("讨论情况"), max_length=4000)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = scoped_get(user, Meeting, meeting, "change")
        changed = [
            name
            for name, value in (("topics", topics), ("discussion", discussion))
            if getattr(meeting, name) != value
        ]
        meeting.topics, meeting.discussion = topics, discussion
        meeting.save(update_fields=["topics", "discussion"])
        # What residents raised may name them: the audit row lists the fields, not the text.
        audit.record_change(user, meeting, "meeting_update", after={"changed": changed})
    return meeting


def resolution_update(*, user, resolution, responsible, due_on) -> Resolution:
    """Hand an open resolution to someone else or move its deadline."""
    errors: dict = {}
    responsible = clean_text(
        responsible, errors, "responsible", label=_("落实责任人"), max_length=60, required=True
    )
    check_date(due_on, errors, "due_on", label=_("完成时限"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        resolution = scoped_get(user, Resolution, resolution, "change")
        if resolution.status != ResolutionStatus.OPEN:
            raise ValidationError(_("该事项已办结，请先重新打开再修改。"))
        if due_on < resolution.meeting.held_on:
            raise ValidationError({"due_on": _("完成时限不能早于会议日期。")})
        before = {"due_on": resolution.due_on, "responsible_changed": False}
        after = {"due_on": due_on, "responsible_changed": resolution.responsible != responsible}
        resolution.responsible, resolution.due_on = responsible, due_on
        resolution.save(update_fields=["responsible", "due_on"])
        audit.record_change(user, resolution, "resolution_update", before=before, after=after)
    return resolution


def resolution_reopen(*, user, resolution, reason) -> FollowUp:
    """A resolution marked done too early goes back to follow-up; the reason is a follow-up
    note, so the history reads in order."""
    errors: dict = {}
    reason = clean_text(
        reason, errors, "reason", label=_("重新打开的原因"), max_length=480, required=True
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        resolution = scoped_get(user, Resolution, resolution, "change")
        if resolution.status != ResolutionStatus.DONE:
            raise ValidationError(_("该事项尚未办结，无需重新打开。"))
        followup = FollowUp.objects.create(
            resolution=resolution, note=_("重新打开：%(reason)s") % {"reason": reason},
            recorded_by=user,
        )  # fmt: skip
        resolution.status = ResolutionStatus.OPEN
        resolution.done_on = None
        resolution.save(update_fields=["status", "done_on"])
        audit.record_change(
            user, resolution, "resolution_reopen", after={"status": resolution.status}
        )
    return followup
