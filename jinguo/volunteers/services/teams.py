"""Volunteer teams, registrations and their review, activities, sign-up, hours and
爱心妈妈 care pairings. Every change writes its audit event as its last write."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.scoping import may

from ..choices import RegistrationStatus
from ..models import Activity, CarePairing, Participation, ServiceYear, Team, Volunteer
from .common import check_date, check_org, check_person, clean_text, require_perm, scoped_get

MAX_HOURS = Decimal("24")
APPROVE = "volunteers.approve_volunteer"


def may_lead(user, team) -> bool:
    """The team's leader, or a reviewer who may change the team (the unit's staff)."""
    if not user.has_perm(APPROVE):
        return False
    return (team.leader_id == user.pk and may(user, "view", team)) or may(user, "change", team)


def team_create(*, user, org, name, leader=None, purpose="") -> Team:
    require_perm(user, Team, "add")
    errors: dict = {}
    check_org(user, org, errors)
    name = clean_text(name, errors, "name", label=_("队伍名称"), max_length=100, required=True)
    purpose = clean_text(purpose, errors, "purpose", label=_("服务内容"), max_length=300)
    if leader is not None and org is not None and not (leader.home_path or "").startswith(org.path):
        errors["leader"] = _("队长须是本单位或下级单位的人员。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        team = Team.objects.create(org=org, name=name, leader=leader, purpose=purpose)
        audit.record_change(user, team, "create", after=audit.snapshot(team))
    return team


def team_update(*, user, team, name, leader=None, purpose="") -> Team:
    errors: dict = {}
    name = clean_text(name, errors, "name", label=_("队伍名称"), max_length=100, required=True)
    purpose = clean_text(purpose, errors, "purpose", label=_("服务内容"), max_length=300)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        team = scoped_get(user, Team, team, "change")
        if leader is not None and not (leader.home_path or "").startswith(team.org.path):
            raise ValidationError({"leader": _("队长须是本单位或下级单位的人员。")})
        before = audit.snapshot(team, ["name", "leader", "purpose"])
        team.name, team.leader, team.purpose = name, leader, purpose
        team.save(update_fields=["name", "leader", "purpose"])
        after = audit.snapshot(team, ["name", "leader", "purpose"])
        audit.record_change(user, team, "update", *audit.diff(before, after))
    return team


def volunteer_register(
    *, user, team, person, skills="", availability="", areas="", consent=False
) -> Volunteer:
    """Staff register a person on record with a team; she waits for the leader's review."""
    require_perm(user, Volunteer, "add")
    errors: dict = {}
    if team is None or not may(user, "view", team):
        errors["team"] = _("所选服务队不存在或不在您的管辖范围内。")
    check_person(user, person, errors, "person")
    skills = clean_text(skills, errors, "skills", label=_("特长技能"), max_length=200)
    availability = clean_text(
        availability, errors, "availability", label=_("可服务时间"), max_length=200
    )
    areas = clean_text(areas, errors, "areas", label=_("服务领域"), max_length=200)
    if not consent:
        errors["consent"] = _("须经本人同意方可登记为志愿者。")
    if not errors and Volunteer.objects.filter(team=team, person=person).exists():
        errors["person"] = _("此人已在该服务队登记。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        volunteer = Volunteer.objects.create(
            org=team.org,
            team=team,
            person=person,
            skills=skills,
            availability=availability,
            areas=areas,
            consent=True,
        )
        audit.record_change(user, volunteer, "volunteer_register", after={"team": team.pk})
    return volunteer


def volunteer_decide(*, user, volunteer, approve: bool, note="") -> Volunteer:
    errors: dict = {}
    note = clean_text(note, errors, "note", label=_("审核意见"), max_length=200)
    if not approve and not note:
        errors["note"] = _("不通过时请填写审核意见。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        volunteer = scoped_get(user, Volunteer, volunteer, "view")
        if not may_lead(user, volunteer.team):
            raise PermissionDenied(_("只有服务队队长可以审核登记。"))
        if volunteer.status != RegistrationStatus.PENDING:
            raise ValidationError(_("该登记已审核过。"))
        volunteer.status = RegistrationStatus.APPROVED if approve else RegistrationStatus.REJECTED
        volunteer.decided_by = user
        volunteer.decided_at = timezone.now()
        volunteer.decision_note = note
        volunteer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        action = "volunteer_approve" if approve else "volunteer_reject"
        audit.record_change(user, volunteer, action, after={"status": volunteer.status})
    return volunteer


def activity_create(*, user, team, held_on, title, place="", capacity=20) -> Activity:
    require_perm(user, Activity, "add")
    errors: dict = {}
    if team is None or not may(user, "change", team):
        errors["team"] = _("所选服务队不存在或不在您的管辖范围内。")
    title, place = _check_activity(
        errors, held_on=held_on, title=title, place=place, capacity=capacity
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity = Activity.objects.create(
            org=team.org, team=team, held_on=held_on, title=title, place=place, capacity=capacity
        )
        audit.record_change(user, activity, "create", after=audit.snapshot(activity))
    return activity


ACTIVITY_FIELDS = ["held_on", "title", "place", "capacity"]


def _check_activity(errors, *, held_on, title, place, capacity):
    check_date(held_on, errors, "held_on", label=_("活动日期"))
    title = clean_text(title, errors, "title", label=_("活动名称"), max_length=200, required=True)
    place = clean_text(place, errors, "place", label=_("地点"), max_length=200)
    if not capacity or not 1 <= capacity <= 10000:
        errors["capacity"] = _("名额须在 1 到 10000 之间。")
    return title, place


def _refuse_if_settled(activity):
    """Only an activity still to come, and not cancelled, may be changed or cancelled."""
    if activity.is_cancelled:
        raise ValidationError(_("该活动已取消。"))
    if activity.is_past:
        raise ValidationError(_("活动日期已过，不能再修改或取消。"))
    if activity.participations.filter(attended=True).exists():
        raise ValidationError(_("已登记出勤的活动不能再修改或取消。"))


def activity_update(*, user, activity, held_on, title, place="", capacity=20) -> Activity:
    """Edit an activity before it takes place; the sign-ups follow its new date."""
    errors: dict = {}
    title, place = _check_activity(
        errors, held_on=held_on, title=title, place=place, capacity=capacity
    )
    if held_on and held_on < timezone.localdate():
        errors["held_on"] = _("活动日期不能早于今天。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity = scoped_get(user, Activity, activity, "change")
        _refuse_if_settled(activity)
        signed = activity.participations.count()
        if capacity < signed:
            raise ValidationError(
                {"capacity": _("已有 %(n)d 人报名，名额不能少于报名人数。") % {"n": signed}}
            )
        before = audit.snapshot(activity, ACTIVITY_FIELDS)
        moved = activity.held_on != held_on
        activity.held_on, activity.title = held_on, title
        activity.place, activity.capacity = place, capacity
        activity.save(update_fields=ACTIVITY_FIELDS)
        if moved:
            activity.participations.update(held_on=held_on)
        after = audit.snapshot(activity, ACTIVITY_FIELDS)
        audit.record_change(user, activity, "update", *audit.diff(before, after))
    return activity


def activity_cancel(*, user, activity, reason) -> Activity:
    """Cancel an activity that has not taken place, with the reason; sign-ups stay on record."""
    errors: dict = {}
    reason = clean_text(
        reason, errors, "reason", label=_("取消原因"), max_length=200, required=True
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity = scoped_get(user, Activity, activity, "change")
        _refuse_if_settled(activity)
        activity.cancelled_at = timezone.now()
        activity.cancelled_by = user
        activity.cancel_reason = reason
        activity.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        # The reason is free text: the audit row keeps only that there was one.
        audit.record_change(
            user, activity, "activity_cancel",
            after={"signed_up": activity.participations.count()},
        )  # fmt: skip
    return activity


def signup(*, user, activity, volunteer) -> Participation:
    errors: dict = {}
    if volunteer is None or not may(user, "view", volunteer):
        errors["volunteer"] = _("所选志愿者不存在或不在您的管辖范围内。")
    elif volunteer.status != RegistrationStatus.APPROVED:
        errors["volunteer"] = _("登记尚未通过审核的志愿者不能报名。")
    elif volunteer.team_id != activity.team_id:
        errors["volunteer"] = _("只有本服务队的志愿者可以报名此活动。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity = scoped_get(user, Activity, activity, "change")
        if activity.is_cancelled:
            raise ValidationError({"volunteer": _("该活动已取消，不能报名。")})
        if activity.participations.count() >= activity.capacity:
            raise ValidationError({"volunteer": _("活动名额已满。")})
        if activity.participations.filter(volunteer=volunteer).exists():
            raise ValidationError({"volunteer": _("该志愿者已报名此活动。")})
        participation = Participation.objects.create(
            org=activity.org, activity=activity, volunteer=volunteer, held_on=activity.held_on
        )
        audit.record_change(user, participation, "activity_signup", after={"activity": activity.pk})
    return participation


def _count_service(participation, sign: int) -> None:
    """Add (``sign`` 1) or take back (-1) one confirmed service in the volunteer's year.

    An UPDATE with F() expressions, so concurrent confirmations for one volunteer add up;
    the year's first creates the row (a racing first retries as an update)."""
    volunteer = participation.volunteer
    key = {"volunteer_id": volunteer.pk, "year": participation.held_on.year}
    change = {"hours": F("hours") + sign * participation.hours, "times": F("times") + sign}
    if ServiceYear.objects.filter(**key).update(**change):
        return
    if sign < 0:
        return  # nothing was counted (a summary not yet rebuilt): nothing to take back
    try:
        with transaction.atomic():
            ServiceYear.objects.create(
                **key, team_id=volunteer.team_id, org_path=volunteer.team.org_path,
                hours=participation.hours, times=1,
            )  # fmt: skip
    except IntegrityError:
        ServiceYear.objects.filter(**key).update(**change)


def service_years_rebuild() -> int:
    """Recount every volunteer's confirmed service per year from the sign-ups."""
    from django.db.models import Count, Sum
    from django.db.models.functions import ExtractYear

    with transaction.atomic():
        ServiceYear.objects.all().delete()
        rows = (
            Participation.objects.filter(confirmed_at__isnull=False, attended=True)
            .annotate(year=ExtractYear("held_on"))
            .values("volunteer_id", "volunteer__team_id", "volunteer__team__org_path", "year")
            .annotate(total=Sum("hours"), n=Count("id"))
            .order_by()
        )
        made = ServiceYear.objects.bulk_create(
            (
                ServiceYear(
                    volunteer_id=r["volunteer_id"],
                    team_id=r["volunteer__team_id"],
                    org_path=r["volunteer__team__org_path"],
                    year=r["year"],
                    hours=r["total"],
                    times=r["n"],
                )
                for r in rows.iterator(chunk_size=5000)
            ),
            batch_size=5000,
        )
    return len(made)


def hours_record(*, user, participation, attended: bool, hours=None) -> Participation:
    """Attendance and hours; changing them withdraws an earlier confirmation."""
    errors: dict = {}
    if attended and (hours is None or not Decimal("0.5") <= hours <= MAX_HOURS):
        errors["hours"] = _("出勤的服务时长须在 0.5 到 24 小时之间。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        participation = scoped_get(user, Participation, participation, "change")
        if participation.activity.is_cancelled:
            raise ValidationError(_("该活动已取消，不能登记出勤。"))
        if participation.confirmed_at is not None:
            _count_service(participation, -1)  # the confirmation is withdrawn
        participation.attended = attended
        participation.hours = hours if attended else None
        participation.confirmed_by = None
        participation.confirmed_at = None
        participation.save(update_fields=["attended", "hours", "confirmed_by", "confirmed_at"])
        audit.record_change(
            user, participation, "hours_record",
            after={"attended": attended, "hours": str(participation.hours or "")},
        )  # fmt: skip
    return participation


def hours_confirm(*, user, participation) -> Participation:
    with transaction.atomic():
        participation = scoped_get(user, Participation, participation, "view")
        if not may_lead(user, participation.activity.team):
            raise PermissionDenied(_("只有服务队队长可以确认服务时长。"))
        if not participation.attended or not participation.hours:
            raise ValidationError(_("请先登记出勤和服务时长。"))
        if participation.confirmed_at is not None:
            raise ValidationError(_("服务时长已确认。"))
        participation.confirmed_by = user
        participation.confirmed_at = timezone.now()
        participation.save(update_fields=["confirmed_by", "confirmed_at"])
        _count_service(participation, 1)
        audit.record_change(
            user, participation, "hours_confirm", after={"hours": str(participation.hours)}
        )
    return participation


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def care_pairing_create(*, user, volunteer, child, since=None, note="") -> CarePairing:
    require_perm(user, CarePairing, "add")
    errors: dict = {}
    since = since or timezone.localdate()
    if volunteer is None or not may(user, "view", volunteer):
        errors["volunteer"] = _("所选志愿者不存在或不在您的管辖范围内。")
    elif volunteer.status != RegistrationStatus.APPROVED:
        errors["volunteer"] = _("登记尚未通过审核的志愿者不能结对。")
    check_person(user, child, errors, "child")
    if "child" not in errors and child.birth_date and _age(child.birth_date, since) >= 18:
        errors["child"] = _("结对对象须为未成年人。")
    check_date(since, errors, "since", label=_("结对日期"))
    note = clean_text(note, errors, "note", label=_("帮扶内容"), max_length=200)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pairing = CarePairing.objects.create(
            org=volunteer.org, volunteer=volunteer, child=child, since=since, note=note
        )
        audit.record_change(user, pairing, "create", after={"volunteer": volunteer.pk})
    return pairing
