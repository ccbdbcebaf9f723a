"""Contact points (联系点) and their visits; the "one woman, one household" pairings.

- point_create / point_update / point_end: a cadre (a user, or an office-holder on record) is responsible
  for visiting a village or community every N days.
- visit_record: a visit; an appeal taken there is registered as a case through the cases
  intake service (``case_create``), in the same transaction.
- pairing_create / pairing_contact: 联系一名妇女、一户家庭 and the contacts over the year.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases.choices import Channel
from jinguo.cases.services.intake import case_create
from jinguo.core import audit
from jinguo.core.scoping import may

from ..choices import VisitWay
from ..models import ContactPoint, ContactVisit, Pairing, PairingContact
from .common import (
    check_date,
    check_household,
    check_org,
    check_person,
    clean_text,
    require_perm,
    scoped_get,
)

MAX_EVERY_DAYS = 366


def point_create(
    *,
    user,
    org,
    place,
    cadre_user=None,
    cadre_person=None,
    visit_every_days=30,
    tasks="",
    since=None,
) -> ContactPoint:
    require_perm(user, ContactPoint, "add")
    errors: dict = {}
    since = since or timezone.localdate()
    check_org(user, org, errors)
    if place is None:
        errors["place"] = _("请选择联系的村（社区）。")
    elif org is not None and not place.path.startswith(org.path):
        errors["place"] = _("联系点须是本单位或下级的村（社区）。")
    if cadre_user is None and cadre_person is None:
        errors["cadre_user"] = _("请选择负责的干部（系统账号或执委档案）。")
    if (
        cadre_user is not None
        and org is not None
        and not (cadre_user.home_path or "").startswith(org.path)
    ):
        errors["cadre_user"] = _("负责干部须是本单位或下级单位的人员。")
    check_person(user, cadre_person, errors, "cadre_person", required=False)
    if not visit_every_days or not 1 <= visit_every_days <= MAX_EVERY_DAYS:
        errors["visit_every_days"] = _("走访频次须在 1 到 366 天之间。")
    check_date(since, errors, "since", label=_("起始日期"), future_ok=True)
    tasks = clean_text(tasks, errors, "tasks", label=_("联系任务"), max_length=2000)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        point = ContactPoint(
            org=org,
            place=place,
            cadre_user=cadre_user,
            cadre_person=cadre_person,
            visit_every_days=visit_every_days,
            tasks=tasks,
            since=since,
        )
        point.next_due_on = point.due_after(since)
        point.save(force_insert=True)
        audit.record_change(user, point, "create", after=audit.snapshot(point))
    return point


def point_update(*, user, point, visit_every_days, tasks="") -> ContactPoint:
    """Change how often a point is visited and what for; the next due date follows the new
    frequency from the last visit (or from the start when there was none)."""
    errors: dict = {}
    if not visit_every_days or not 1 <= visit_every_days <= MAX_EVERY_DAYS:
        errors["visit_every_days"] = _("走访频次须在 1 到 366 天之间。")
    tasks = clean_text(tasks, errors, "tasks", label=_("联系任务"), max_length=2000)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        point = scoped_get(user, ContactPoint, point, "change")
        if point.ended_on is not None:
            raise ValidationError(_("该联系点已结束，不能再修改。"))
        fields = ["visit_every_days", "tasks", "next_due_on"]
        before = audit.snapshot(point, fields)
        point.visit_every_days = visit_every_days
        point.tasks = tasks
        point.next_due_on = point.due_after(point.last_visited_on or point.since)
        after = audit.snapshot(point, fields)
        if after != before:
            point.save(update_fields=fields)
            audit.record_change(user, point, "update", before=before, after=after)
    return point


def point_end(*, user, point, ended_on=None, reason="") -> ContactPoint:
    """End a contact point: it stays in the history with its visits and raises no more
    overdue visits."""
    errors: dict = {}
    ended_on = ended_on or timezone.localdate()
    check_date(ended_on, errors, "ended_on", label=_("结束日期"))
    reason = clean_text(
        reason, errors, "end_reason", label=_("结束原因"), max_length=200, required=True
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        point = scoped_get(user, ContactPoint, point, "change")
        if point.ended_on is not None:
            raise ValidationError(_("该联系点已于 %(d)s 结束。") % {"d": point.ended_on})
        if ended_on < point.since:
            raise ValidationError({"ended_on": _("结束日期不能早于起始日期。")})
        if point.last_visited_on and ended_on < point.last_visited_on:
            raise ValidationError({"ended_on": _("结束日期不能早于最近一次走访。")})
        point.ended_on = ended_on
        point.end_reason = reason
        point.save(update_fields=["ended_on", "end_reason"])
        # The reason is free text and stays on the record; the audit row keeps the date.
        audit.record_change(user, point, "point_end", after={"ended_on": ended_on})
    return point


def visitable_points(user):
    """The contact points ``user`` may record visits on: her own, and those of her scope
    when she may change them (a leader recording for her cadre)."""
    return ContactPoint.objects.restrict(user, "view").filter(ended_on__isnull=True)


def _may_record(user, point) -> bool:
    if not user.has_perm("cadres.add_contactvisit"):
        return False
    return point.cadre_user_id == user.pk or may(user, "change", point)


def visit_record(
    *,
    user,
    point,
    visited_on,
    findings,
    way=VisitWay.IN_PERSON,
    met_whom="",
    met_person=None,
    follow_up="",
    appeal=None,
) -> ContactVisit:
    """``appeal``: {"summary", "category", "narrative"} registers a case from the visit;
    ``met_person``: the person on record she met, one the user may see."""
    errors: dict = {}
    check_person(user, met_person, errors, "met_person", required=False)
    check_date(visited_on, errors, "visited_on", label=_("走访日期"))
    if way not in VisitWay.values:
        errors["way"] = _("请选择走访方式。")
    met_whom = clean_text(met_whom, errors, "met_whom", label=_("见到的人"), max_length=200)
    findings = clean_text(
        findings, errors, "findings", label=_("了解到的情况"), max_length=4000, required=True
    )
    follow_up = clean_text(follow_up, errors, "follow_up", label=_("跟进事项"), max_length=2000)
    with transaction.atomic():
        found = visitable_points(user).filter(pk=getattr(point, "pk", point)).first()
        if found is None or not _may_record(user, found):
            raise ValidationError(_("记录不存在或不在您的管辖范围内。"))
        point = ContactPoint.objects.select_for_update().get(pk=found.pk)
        if visited_on and visited_on < point.since:
            errors["visited_on"] = _("走访日期不能早于联系点起始日期。")
        if errors:
            raise ValidationError(errors)
        case = None
        if appeal and (appeal.get("summary") or "").strip():
            case = _register_appeal(user, point, visited_on, appeal)
        visit = ContactVisit.objects.create(
            org=point.org,
            point=point,
            visited_on=visited_on,
            way=way,
            met_whom=met_whom,
            met_person=met_person,
            findings=findings,
            follow_up=follow_up,
            case=case,
            recorded_by=user,
        )
        if point.last_visited_on is None or visited_on >= point.last_visited_on:
            point.last_visited_on = visited_on
            point.next_due_on = point.due_after(visited_on)
            point.save(update_fields=["last_visited_on", "next_due_on"])
        audit.record_change(
            user,
            visit,
            "contact_visit",
            after={
                "point_id": point.pk,
                "visited_on": visited_on,
                "met_person_id": met_person and met_person.pk,
                "case_id": case and case.pk,
            },
        )
    return visit


def _register_appeal(user, point, visited_on, appeal: dict):
    from datetime import datetime, time

    received = timezone.make_aware(datetime.combine(visited_on, time(12)))
    received = min(received, timezone.now())
    org = point.place if may(user, "view", point.place) else None
    try:
        with transaction.atomic():
            return case_create(
                user=user,
                channel=Channel.GRID,
                summary=appeal.get("summary", ""),
                category=appeal.get("category"),
                narrative=appeal.get("narrative", ""),
                received_at=received,
                org=org,
                anonymous=True,
            )
    except PermissionDenied:
        raise ValidationError({"appeal_summary": _("您没有登记诉求的权限。")}) from None
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", None)
        if errors is None:
            raise ValidationError({"appeal_summary": exc.messages}) from None
        raise ValidationError(
            {f"appeal_{key}": [m for e in errs for m in e.messages] for key, errs in errors.items()}
        ) from None


# --- one woman, one household ---------------------------------------------------------------


def pairing_create(*, user, org, cadre, woman=None, household=None, year=None) -> Pairing:
    require_perm(user, Pairing, "add")
    errors: dict = {}
    year = year or timezone.localdate().year
    check_org(user, org, errors)
    check_person(user, cadre, errors, "cadre")
    check_person(user, woman, errors, "woman", required=False)
    check_household(user, household, errors, "household")
    if woman is None and household is None:
        errors["woman"] = _("请至少选择一名妇女或一户家庭。")
    if woman is not None and cadre is not None and woman.pk == cadre.pk:
        errors["woman"] = _("联系的妇女不能是干部本人。")
    if not 2000 <= year <= 2100:
        errors["year"] = _("年度须在 2000 到 2100 之间。")
    if not errors and Pairing.objects.filter(cadre=cadre, year=year).exists():
        errors["cadre"] = _("该干部本年度已有结对。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pairing = Pairing.objects.create(
            org=org, cadre=cadre, woman=woman, household=household, year=year
        )
        audit.record_change(user, pairing, "create", after=audit.snapshot(pairing))
    return pairing


def pairing_contact(*, user, pairing, contacted_on, way=VisitWay.IN_PERSON, note=""):
    errors: dict = {}
    check_date(contacted_on, errors, "contacted_on", label=_("联系日期"))
    if way not in VisitWay.values:
        errors["way"] = _("请选择联系方式。")
    note = clean_text(note, errors, "note", label=_("情况"), max_length=2000)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pairing = scoped_get(user, Pairing, pairing, "change")
        row = PairingContact.objects.create(
            org=pairing.org, pairing=pairing, contacted_on=contacted_on, way=way, note=note
        )
        pairing.contacts += 1
        if pairing.last_contact_on is None or contacted_on > pairing.last_contact_on:
            pairing.last_contact_on = contacted_on
        pairing.save(update_fields=["contacts", "last_contact_on"])
        audit.record_change(user, pairing, "pairing_contact", after={"contacted_on": contacted_on})
    return row
