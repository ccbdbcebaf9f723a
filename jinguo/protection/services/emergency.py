"""Writes of emergency intervention (应急干预) and mandatory reports (强制报告).

CONTRACT:
- emergency_tick(*, user, case, step, note="", done_at=None) -> EmergencyAction
    A step of the case's checklist done: when and by whom (the case's workers).
- sweep_unattended(now=None) -> int: leaders of each unattended urgent violence case's unit
  are told once (EmergencyEscalation); returns how many cases were reported.
- report_create(*, user, org, reporter_kind, reporter_organisation, suspicion,
  reporter_name="", reporter_phone="", reported_at=None, victim=None,
  victim_description="", victim_is_minor=True, lacks_capacity=False) -> MandatoryReport
- report_register_case(*, user, report, gbv_type="physical", summary="") -> Case
    A new urgent, sensitive violence case through the cases app's intake (its deadlines run
    from now), the victim a party; the reporter's identity stays on the report.
- report_join_case(*, user, report, case) -> MandatoryReport  (an open case she may change)
- report_dismiss(*, user, report, reason) -> MandatoryReport
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases import choices as case_choices
from jinguo.cases.models import Case, Category
from jinguo.cases.services.common import case_url
from jinguo.cases.services.intake import case_add_note, case_create, party_add
from jinguo.core import audit
from jinguo.core.identity import validate_phone
from jinguo.core.notifications import notify_unit_leaders
from jinguo.core.scoping import may
from jinguo.core.sharing import share_grant
from jinguo.people.models import Person

from .. import choices
from ..models import (
    AlertRule,
    ChecklistStep,
    EmergencyAction,
    EmergencyEscalation,
    MandatoryReport,
)
from ..selectors.shelter import checklist_for, is_emergency_case, unattended_urgent_cases

NOTE_MAX = 1000
URGENT_RULE = "urgent_no_action"
TEXT_MAX = 4000
CREATOR_REASON = "强制报告登记人"


# --- the checklist -------------------------------------------------------------------------


def emergency_tick(*, user, case, step, note="", done_at=None) -> EmergencyAction:
    if user is None or not user.has_perm("protection.add_emergencyaction"):
        raise PermissionDenied
    now = timezone.now()
    note = (note or "").strip()
    done_at = done_at or now
    with transaction.atomic():
        case = (
            Case.objects.restrict(user, "change")
            .select_for_update()
            .filter(pk=getattr(case, "pk", case))
            .first()
        )
        if case is None:
            raise ValidationError(_("该个案不存在，或您无权进行此项操作。"), code="not_found")
        errors: dict = {}
        template = checklist_for(case) if is_emergency_case(case) else None
        if template is None:
            raise ValidationError(_("只有紧急的涉暴力个案需要登记应急处置。"))
        step_pk = getattr(step, "pk", step)
        step = ChecklistStep.objects.filter(pk=step_pk, template=template).first()
        if step is None:
            errors["step"] = _("请选择本个案应急处置清单中的事项。")
        if len(note) > NOTE_MAX:
            errors["note"] = _("说明不能超过 %(n)d 个字。") % {"n": NOTE_MAX}
        if done_at > now + timedelta(minutes=5):
            errors["done_at"] = _("处置时间不能晚于现在。")
        elif done_at < case.received_at - timedelta(days=1):
            errors["done_at"] = _("处置时间不能早于个案收到时间的前一天，请核对。")
        if errors:
            raise ValidationError(errors)
        done = (
            EmergencyAction.objects.filter(case=case, step=step).select_related("done_by").first()
        )
        if done is not None:
            raise ValidationError(
                {
                    "step": _("“%(step)s”已于 %(at)s 由 %(who)s 登记。")
                    % {
                        "step": step.label,
                        "at": timezone.localtime(done.done_at).strftime("%Y-%m-%d %H:%M"),
                        "who": done.done_by.real_name,
                    }
                }
            )
        action = EmergencyAction(
            org=case.org,
            case=case,
            step=step,
            done_at=done_at,
            done_by=user,
            note=note,
            is_sensitive=True,
        )
        action.save(force_insert=True)
        audit.record_change(user, action, "create", after=audit.snapshot(action), case_id=case.pk)
    return action


def sweep_unattended(now=None) -> int:
    """Tell the leaders of each urgent violence case's unit, once, that nobody has recorded an
    emergency action on it within the checklist's hours.

    While the early-warning rule ``urgent_no_action`` is on, its red warning (same hours, same
    leaders, signed for and escalated) is the message: the case is still recorded here as
    reported, without a second notification."""
    now = now or timezone.now()
    warned_by_rule = AlertRule.objects.filter(code=URGENT_RULE, is_active=True).exists()
    cases = (
        unattended_urgent_cases(now)
        .exclude(pk__in=EmergencyEscalation.objects.values("case_id"))
        .select_related("org", "category", "subcategory")
    )
    told = 0
    for case in cases[:500]:
        template = checklist_for(case)
        with transaction.atomic():
            row, created = EmergencyEscalation.objects.get_or_create(
                case=case, defaults={"template": template, "alerted_at": now}
            )
            if not created:
                continue
            hours = template.act_within_hours if template else 0
            recipients = []
            if not warned_by_rule:
                recipients = notify_unit_leaders(
                    case.org,
                    _("紧急个案 %(number)s 超过 %(hours)d 小时无人应急处置")
                    % {"number": case.number, "hours": hours},
                    _("紧急的涉暴力个案登记后尚无任何应急处置记录，请立即安排处置。"),
                    case_url(case),
                    "danger",
                )
            row.recipients = len(recipients)
            row.save(update_fields=["recipients"])
            audit.record_change(
                None,
                case,
                "emergency_alert",
                after={"recipients": len(recipients), "hours": hours},
                told_by="alert" if warned_by_rule else "notification",
            )
        told += 1
    return told


# --- mandatory reports ------------------------------------------------------------------------


def _text(value, errors, field, *, required_message=None, limit=TEXT_MAX) -> str:
    value = (value or "").strip()
    if required_message and not value:
        errors[field] = required_message
    elif len(value) > limit:
        errors[field] = _("不能超过 %(n)d 个字。") % {"n": limit}
    return value


def report_create(
    *,
    user,
    org,
    reporter_kind,
    reporter_organisation,
    suspicion,
    reporter_name="",
    reporter_phone="",
    reported_at=None,
    victim=None,
    victim_description="",
    victim_is_minor=True,
    lacks_capacity=False,
) -> MandatoryReport:
    if user is None or not user.has_perm("protection.add_mandatoryreport"):
        raise PermissionDenied
    now = timezone.now()
    errors: dict = {}
    if reporter_kind not in choices.ReporterKind.values:
        errors["reporter_kind"] = _("请选择报告单位类型。")
    reporter_organisation = _text(
        reporter_organisation,
        errors,
        "reporter_organisation",
        required_message=_("请填写报告单位。"),
        limit=100,
    )
    reporter_name = _text(reporter_name, errors, "reporter_name", limit=50)
    reporter_phone = (reporter_phone or "").strip()
    if reporter_phone:
        try:
            reporter_phone = validate_phone(reporter_phone)
        except ValidationError as exc:
            errors["reporter_phone"] = exc.messages[0]
    suspicion = _text(suspicion, errors, "suspicion", required_message=_("请填写疑似受暴情况。"))
    victim_description = _text(victim_description, errors, "victim_description")
    reported_at = reported_at or now
    if reported_at > now + timedelta(minutes=5):
        errors["reported_at"] = _("报告时间不能晚于现在。")
    if victim is not None:
        found = Person.objects.restrict(user, "view").filter(pk=victim.pk, is_active=True).first()
        if found is None:
            errors["victim"] = _("所选人员档案不存在或您无权查看。")
        victim = found
    elif not victim_description:
        errors["victim_description"] = _("请选择受害人档案，或描述受害人情况（如“五年级女生”）。")
    if not victim_is_minor and not lacks_capacity:
        errors["victim_is_minor"] = _(
            "强制报告适用于未成年人或无民事行为能力、限制民事行为能力人，请勾选其一。"
        )
    if org is None:
        errors["org"] = _("请选择受理单位。")
    elif not (org.is_active and may(user, "view", org)):
        errors["org"] = _("所选单位不存在或不在您的管辖范围内。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = MandatoryReport(
            org=org,
            reporter_kind=reporter_kind,
            reporter_organisation=reporter_organisation,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            reported_at=reported_at,
            victim=victim,
            victim_description=victim_description,
            victim_is_minor=bool(victim_is_minor),
            lacks_capacity=bool(lacks_capacity),
            suspicion=suspicion,
            created_by=user,
            is_sensitive=True,
        )
        report.save(force_insert=True)
        # Whoever registered it (a community chair without view_sensitive) can still open it.
        share_grant(
            obj=report, user=user, actions=("view",), reason=CREATOR_REASON, granted_by=user
        )
        audit.record_change(user, report, "create", after=audit.snapshot(report))
    return report


def _locked_report(user, report) -> MandatoryReport:
    found = (
        MandatoryReport.objects.restrict(user, "change")
        .select_for_update()
        .filter(pk=getattr(report, "pk", report))
        .first()
    )
    if found is None:
        raise ValidationError(_("该强制报告不存在，或您无权处理。"), code="not_found")
    if found.status != choices.ReportStatus.NEW:
        raise ValidationError(
            _("该报告已%(status)s，不能重复处理。") % {"status": found.get_status_display()}
        )
    return found


def violence_category() -> Category | None:
    """The category a mandatory report's case is filed under: 家庭暴力 when shipped, else the
    first active violence category."""
    found = Category.objects.filter(code="family-violence", is_active=True).first()
    return found or (
        Category.objects.filter(is_violence=True, is_active=True)
        .order_by("parent_id", "sort", "pk")
        .first()
    )


def report_register_case(*, user, report, gbv_type=case_choices.GbvType.PHYSICAL, summary=""):
    with transaction.atomic():
        report = _locked_report(user, report)
        category = violence_category()
        if category is None:
            raise ValidationError(_("没有启用的涉暴力诉求类别，请先在“诉求类别”中设置。"))
        who = _("未成年人") if report.victim_is_minor else _("无民事行为能力人")
        summary = (summary or "").strip() or _("%(kind)s强制报告：疑似%(who)s遭受暴力") % {
            "kind": report.get_reporter_kind_display(),
            "who": who,
        }
        if report.victim_id:
            parties = [{"person": report.victim, "role": case_choices.PartyRole.VICTIM}]
        else:
            parties = [
                {
                    "person": None,
                    "role": case_choices.PartyRole.VICTIM,
                    "description": (report.victim_description or "")[:200],
                }
            ]
        case = case_create(
            user=user,
            channel=case_choices.Channel.TRANSFER,
            summary=summary,
            category=category,
            gbv_type=gbv_type,
            urgency=case_choices.Urgency.URGENT,
            # The suspicion, never the reporter: the case file may be shared and printed.
            narrative=report.suspicion,
            parties=parties,
            org=report.org,
            involves_minor=report.victim_is_minor,
        )
        if not case.is_sensitive:  # a federation may have made its category non-sensitive
            Case.objects.filter(pk=case.pk).update(is_sensitive=True)
            case.is_sensitive = True
        before = audit.snapshot(report)
        report.case, report.status, report.handled_by = case, choices.ReportStatus.CASE, user
        report.save(update_fields=["case", "status", "handled_by"])
        audit.record_change(
            user, report, "update", before=before, after=audit.snapshot(report), case_id=case.pk
        )
    return case


def report_join_case(*, user, report, case) -> MandatoryReport:
    with transaction.atomic():
        report = _locked_report(user, report)
        found = Case.objects.restrict(user, "change").filter(pk=getattr(case, "pk", case)).first()
        if found is None:
            raise ValidationError({"case": _("所选个案不存在或您无权办理。")})
        if not found.is_open:
            raise ValidationError(
                {
                    "case": _("个案已%(s)s，不能并入；请登记新个案。")
                    % {"s": found.get_status_display()}
                }
            )
        case_add_note(
            user=user,
            case=found,
            note=_("收到%(kind)s的强制报告（%(at)s），已并入本案。")
            % {
                "kind": report.get_reporter_kind_display(),
                "at": timezone.localtime(report.reported_at).strftime("%Y-%m-%d %H:%M"),
            },
        )
        if report.victim_id and not found.parties.filter(person_id=report.victim_id).exists():
            party_add(
                user=user, case=found, role=case_choices.PartyRole.VICTIM, person=report.victim
            )
        before = audit.snapshot(report)
        report.case, report.status, report.handled_by = found, choices.ReportStatus.CASE, user
        report.save(update_fields=["case", "status", "handled_by"])
        audit.record_change(
            user, report, "update", before=before, after=audit.snapshot(report), case_id=found.pk
        )
    return report


def report_dismiss(*, user, report, reason) -> MandatoryReport:
    errors: dict = {}
    reason = _text(
        reason, errors, "reason", required_message=_("请填写不予立案的理由。"), limit=1000
    )
    with transaction.atomic():
        report = _locked_report(user, report)
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(report)
        report.status, report.dismiss_reason, report.handled_by = (
            choices.ReportStatus.DISMISSED,
            reason,
            user,
        )
        report.save(update_fields=["status", "dismiss_reason", "handled_by"])
        audit.record_change(user, report, "dismiss", before=before, after=audit.snapshot(report))
    return report
