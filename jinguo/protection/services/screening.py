"""Screening campaigns (矛盾纠纷排查): issuing, the units' returns, their dispute entries and
what an entry becomes (a case, a mediation).

CONTRACT:
- campaign_targets(org, targets) -> QuerySet[OrgUnit]
- campaign_issue(*, user, title, kind, scope, due_on, instructions="", targets="community")
    -> ScreeningCampaign  (one pending ScreeningReport per target unit; their users told)
- campaign_update(*, user, campaign, title, instructions, due_on) -> ScreeningCampaign
- campaign_close(*, user, campaign) -> ScreeningCampaign
- campaign_remind(*, user, campaign) -> int  (units reminded)
- remind_due(now=None) -> int  (the scheduler's sweep; units reminded)
- report_submit(*, user, report, note="") -> ScreeningReport
- entry_create(*, user, report, kind, risk, parties, description, action_taken="",
  found_on=None) -> DisputeEntry
- entry_update(*, user, entry, kind, risk, parties, description, action_taken, status,
  found_on) -> DisputeEntry
- entry_delete(*, user, entry) -> None
- entry_to_case(*, user, entry, category, summary, gbv_type="", urgency="normal") -> Case
- entry_to_mediation(*, user, entry, held_at, mode, mediators, outcome, parties="", place="",
  statements="", agreement="", case_fields=None) -> Mediation

Every function checks the object through restrict() (``may``), validates with Chinese
messages keyed by field, writes in one transaction with its audit row, and notifies after
commit.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.models import Share
from jinguo.core.notifications import notify
from jinguo.core.scoping import may, permission_name
from jinguo.core.sharing import share_grant, share_revoke
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit

from ..choices import (
    CampaignKind,
    CampaignTargets,
    DisputeKind,
    DisputeRisk,
    DisputeStatus,
    ScreeningReportStatus,
)
from ..models import DisputeEntry, ScreeningCampaign, ScreeningReport

TEXT_MAX = 5000
TITLE_MAX = ScreeningCampaign._meta.get_field("title").max_length
# A campaign runs for weeks, not years: a due date further off is a typing error.
LONGEST_CAMPAIGN = datetime.timedelta(days=366)
# The sweep reminds units this many days before the due date, and after it, once a day.
REMIND_BEFORE = datetime.timedelta(days=2)
REMIND_EVERY = datetime.timedelta(hours=20)
GRID_SHARE_REASON = "矛盾纠纷排查：网格协助填报"
# Entries may be recorded during the campaign and up to this long before it was issued.
EARLIEST_FOUND = datetime.timedelta(days=366)

ENTRY_FIELDS = ("kind", "risk", "parties", "description", "action_taken", "status", "found_on")
# What a dispute kind suggests when an entry becomes a case (the worker may choose another).
CASE_CATEGORY_FOR_KIND = {
    DisputeKind.VIOLENCE: "family-violence",
    DisputeKind.MARRIAGE: "family-dispute",
    DisputeKind.NEIGHBOUR: "other",
    DisputeKind.PROPERTY: "property-inheritance",
    DisputeKind.LAND: "property-land",
    DisputeKind.LABOUR: "labour-rights",
    DisputeKind.OTHER: "other",
}


def _require(user, action: str, model) -> None:
    if not user.has_perm(permission_name(model, action)):
        raise PermissionDenied


def _not_found(what: str) -> ValidationError:
    return ValidationError(
        _("该%(what)s不存在，或您无权进行此项操作。") % {"what": what}, code="not_found"
    )


def _locked(model, user, obj, action: str, what: str):
    pk = getattr(obj, "pk", obj)
    found = model.objects.restrict(user, action).select_for_update().filter(pk=pk).first()
    if found is None:
        raise _not_found(what)
    return found


def _text(value, field: str, label: str, errors: dict, *, required=False, limit=TEXT_MAX):
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        errors[field] = _("%(label)s格式不正确。") % {"label": label}
        return ""
    if required and not text:
        errors[field] = _("请填写%(label)s。") % {"label": label}
    elif len(text) > limit:
        errors[field] = _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": limit}
    return text


# --- campaigns -----------------------------------------------------------------------------


def campaign_targets(org: OrgUnit, targets: str):
    """The units below ``org`` that a campaign with ``targets`` goes to (active ones only;
    grids are never targets: they help their community fill its return)."""
    below = OrgUnit.objects.filter(path__subtree=org.path, is_active=True).exclude(pk=org.pk)
    if targets == CampaignTargets.CHILDREN:
        return below.filter(parent=org).exclude(kind=UnitKind.GRID).order_by("path")
    return below.filter(kind=targets).order_by("path")


def _clean_campaign(errors: dict, *, title, instructions, due_on, today) -> tuple[str, str]:
    title = _text(title, "title", _("排查主题"), errors, required=True, limit=TITLE_MAX)
    instructions = _text(instructions, "instructions", _("工作要求"), errors)
    if not isinstance(due_on, datetime.date) or isinstance(due_on, datetime.datetime):
        errors["due_on"] = _("请填写上报截止日期。")
    elif due_on < today:
        errors["due_on"] = _("上报截止日期不能早于今天。")
    elif due_on > today + LONGEST_CAMPAIGN:
        errors["due_on"] = _("上报截止日期不能晚于一年之后，请核对。")
    return title, instructions


def _report_fillers(units):
    """Active users homed in ``units`` (or their grids) who may fill a screening return."""
    User = get_user_model()
    grids = OrgUnit.objects.filter(parent__in=units, kind=UnitKind.GRID)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(home_unit__in=units) | Q(home_unit__in=grids))
        .filter(
            roles__permissions__content_type__app_label="protection",
            roles__permissions__codename="change_screeningreport",
        )
        .distinct()
    )


def campaign_issue(
    *,
    user,
    title: str,
    kind: str,
    scope,
    due_on,
    instructions: str = "",
    targets: str = CampaignTargets.COMMUNITIES,
) -> ScreeningCampaign:
    _require(user, "add", ScreeningCampaign)
    org = user.home_unit
    if org is None:
        raise PermissionDenied
    errors: dict = {}
    now = timezone.now()
    title, instructions = _clean_campaign(
        errors, title=title, instructions=instructions, due_on=due_on, today=timezone.localdate()
    )
    if kind not in CampaignKind.values:
        errors["kind"] = _("请选择排查类型。")
    scope = list(dict.fromkeys(scope or ()))
    if not scope:
        errors["scope"] = _("请至少选择一类排查范围。")
    elif any(k not in DisputeKind.values for k in scope):
        errors["scope"] = _("排查范围中有不认识的类型。")
    units = []
    if targets not in CampaignTargets.values:
        errors["targets"] = _("请选择下发到哪一级单位。")
    else:
        units = list(campaign_targets(org, targets))
        if not units:
            errors["targets"] = _("本单位下没有这一级的单位，请选择其他层级。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), audit.batched():
        campaign = ScreeningCampaign(
            org=org,
            title=title,
            kind=kind,
            scope=scope,
            instructions=instructions,
            due_on=due_on,
            targets=targets,
            issued_at=now,
            issued_by=user,
        )
        campaign.save(force_insert=True)
        reports = ScreeningReport.objects.bulk_create(
            [ScreeningReport(campaign=campaign, org=u, org_path=u.path) for u in units]
        )
        audit.record_change(
            user, campaign, "screening_issue", after=audit.snapshot(campaign), units=len(units)
        )
        for report in reports:
            audit.record_change(user, report, "create", after=audit.snapshot(report))
        # Grid workers of a target community fill its return with the chair.
        grids = OrgUnit.objects.filter(parent__in=units, kind=UnitKind.GRID, is_active=True)
        by_unit = {r.org_id: r for r in reports}
        for grid in grids:
            share_grant(
                obj=by_unit[grid.parent_id],
                unit=grid,
                actions=("view", "change"),
                reason=GRID_SHARE_REASON,
                granted_by=user,
            )
        _notify_units(
            units,
            _("新的矛盾纠纷排查任务：%(title)s") % {"title": title},
            _("%(unit)s下发，请于 %(due)s 前上报排查情况。")
            % {"unit": org.name, "due": due_on.isoformat()},
            campaign,
        )
    return campaign


def grid_share_sync(grid) -> tuple[int, int]:
    """A grid made or moved after a campaign was issued helps its (new) community with the
    returns still to be filed, and no longer sees those of a community it left. Returns
    (shared, revoked). Called after an org unit is saved (``screening_receivers``)."""
    if grid.kind != UnitKind.GRID:
        return 0, 0
    report_type = ContentType.objects.get_for_model(ScreeningReport)
    now = timezone.now()
    held = set(
        Share.objects.filter(
            content_type=report_type,
            unit=grid,
            reason=GRID_SHARE_REASON,
            revoked_at__isnull=True,
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values_list("object_id", flat=True)
    )
    wanted = set()
    if grid.is_active and grid.parent_id:
        wanted = set(
            ScreeningReport.objects.filter(
                org_id=grid.parent_id, status=ScreeningReportStatus.PENDING
            ).values_list("pk", flat=True)
        )
    shared = revoked = 0
    with transaction.atomic():
        for report in ScreeningReport.objects.filter(pk__in=wanted - held):
            share_grant(
                obj=report,
                unit=grid,
                actions=("view", "change"),
                reason=GRID_SHARE_REASON,
                granted_by=None,
            )
            shared += 1
        for report in ScreeningReport.objects.filter(pk__in=held - wanted).exclude(
            org_id=grid.parent_id
        ):
            revoked += bool(
                share_revoke(
                    obj=report,
                    unit=grid,
                    reason=_("网格已不属于该社区"),
                    revoked_by=None,
                    grant_reason=GRID_SHARE_REASON,
                )
            )
    return shared, revoked


def _notify_units(units, title: str, body: str, campaign, level: str = "info") -> int:
    reports = {
        r.org_id: r.pk
        for r in ScreeningReport.objects.filter(campaign=campaign, org__in=units).only("org")
    }
    grid_parent = dict(
        OrgUnit.objects.filter(parent__in=units, kind=UnitKind.GRID).values_list("pk", "parent")
    )
    count = 0
    for filler in _report_fillers(units):
        unit_id = grid_parent.get(filler.home_unit_id, filler.home_unit_id)
        report_id = reports.get(unit_id)
        url = (
            ScreeningReport(pk=report_id).get_absolute_url()
            if report_id
            else campaign.get_absolute_url()
        )
        notify(filler, title, body, url, level)
        count += 1
    return count


def campaign_update(*, user, campaign, title, instructions, due_on) -> ScreeningCampaign:
    """Correct the title or instructions, or move the due date (units are told of a new one)."""
    errors: dict = {}
    with transaction.atomic():
        campaign = _locked(ScreeningCampaign, user, campaign, "change", _("排查"))
        today = min(timezone.localdate(), campaign.due_on)
        title, instructions = _clean_campaign(
            errors, title=title, instructions=instructions, due_on=due_on, today=today
        )
        if campaign.closed_at is not None:
            errors["__all__"] = _("该排查已结束，不能再修改。")
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(campaign)
        moved = due_on != campaign.due_on
        campaign.title, campaign.instructions, campaign.due_on = title, instructions, due_on
        campaign.save(update_fields=["title", "instructions", "due_on"])
        audit.record_change(user, campaign, "update", before=before, after=audit.snapshot(campaign))
        if moved:
            pending = OrgUnit.objects.filter(
                pk__in=campaign.reports.filter(status=ScreeningReportStatus.PENDING).values("org")
            )
            _notify_units(
                pending,
                _("排查上报截止日期调整：%(title)s") % {"title": title},
                _("新的截止日期为 %(due)s。") % {"due": due_on.isoformat()},
                campaign,
            )
    return campaign


def campaign_close(*, user, campaign) -> ScreeningCampaign:
    """End the campaign: no more returns are taken and nobody is reminded."""
    with transaction.atomic():
        campaign = _locked(ScreeningCampaign, user, campaign, "change", _("排查"))
        if campaign.closed_at is not None:
            raise ValidationError(_("该排查已经结束。"))
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["closed_at"])
        audit.record_change(
            user,
            campaign,
            "screening_close",
            after={"closed_at": campaign.closed_at},
            pending=campaign.reports.filter(status=ScreeningReportStatus.PENDING).count(),
        )
    return campaign


def _remind(campaign, reports, now) -> int:
    units = OrgUnit.objects.filter(pk__in=[r.org_id for r in reports])
    late = timezone.localdate(now) > campaign.due_on
    title = (_("排查上报已逾期：%(title)s") if late else _("请按时上报排查情况：%(title)s")) % {
        "title": campaign.title
    }
    body = _("上报截止日期：%(due)s。未发现矛盾纠纷的，也请填写情况说明后上报。") % {
        "due": campaign.due_on.isoformat()
    }
    _notify_units(units, title, body, campaign, "warning" if late else "info")
    ScreeningReport.objects.filter(pk__in=[r.pk for r in reports]).update(reminded_at=now)
    return len(reports)


def campaign_remind(*, user, campaign) -> int:
    """Remind every unit that has not yet reported (the 催报 button)."""
    now = timezone.now()
    with transaction.atomic():
        campaign = _locked(ScreeningCampaign, user, campaign, "change", _("排查"))
        if campaign.closed_at is not None:
            raise ValidationError(_("该排查已经结束，无需催报。"))
        reports = list(
            ScreeningReport.objects.restrict(user, "view").filter(
                campaign=campaign, status=ScreeningReportStatus.PENDING
            )
        )
        if not reports:
            raise ValidationError(_("所有单位均已上报，无需催报。"))
        count = _remind(campaign, reports, now)
        audit.record_change(user, campaign, "screening_remind", after={"units": count})
    return count


def remind_due(now=None) -> int:
    """The scheduler's sweep: pending returns of open campaigns due within two days (or past
    due) are reminded, at most about once a day each."""
    now = now or timezone.now()
    horizon = timezone.localdate(now) + REMIND_BEFORE
    total = 0
    campaigns = ScreeningCampaign.objects.filter(closed_at__isnull=True, due_on__lte=horizon)
    for campaign in campaigns.iterator():
        with transaction.atomic():
            reports = list(
                ScreeningReport.objects.select_for_update()
                .filter(campaign=campaign, status=ScreeningReportStatus.PENDING)
                .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_EVERY))
            )
            if reports:
                total += _remind(campaign, reports, now)
    return total


# --- a unit's return -----------------------------------------------------------------------


def _open_report(user, report, action: str = "change") -> ScreeningReport:
    report = _locked(ScreeningReport, user, report, action, _("排查上报"))
    campaign = report.campaign
    if campaign.closed_at is not None:
        raise ValidationError(_("该排查已结束，不能再填报。"))
    if report.status != ScreeningReportStatus.PENDING:
        raise ValidationError(_("本单位已上报，不能再修改排查情况。"))
    return report


def report_submit(*, user, report, note: str = "") -> ScreeningReport:
    """上报: with the entries recorded, or "nothing found" with a note. After the due date it
    is still taken, and flagged late."""
    errors: dict = {}
    note = _text(note, "note", _("情况说明"), errors)
    now = timezone.now()
    with transaction.atomic():
        report = _open_report(user, report)
        entries = report.entries.count()
        if not entries and not note and "note" not in errors:
            errors["note"] = _("未发现矛盾纠纷时，请在情况说明中写明排查了哪些范围。")
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(report)
        report.status = ScreeningReportStatus.SUBMITTED
        report.submitted_at, report.submitted_by = now, user
        report.note = note
        report.nothing_found = entries == 0
        report.is_late = timezone.localdate(now) > report.campaign.due_on
        report.save(
            update_fields=[
                "status",
                "submitted_at",
                "submitted_by",
                "note",
                "nothing_found",
                "is_late",
            ]
        )
        audit.record_change(
            user,
            report,
            "screening_submit",
            before=before,
            after=audit.snapshot(report),
            entries=entries,
        )
        campaign = report.campaign
        if campaign.issued_by.is_active:
            notify(
                campaign.issued_by,
                _("%(unit)s已上报排查情况") % {"unit": report.org.name},
                _("%(title)s：%(n)d 条矛盾纠纷%(late)s")
                % {
                    "title": campaign.title,
                    "n": entries,
                    "late": _("（逾期上报）") if report.is_late else "",
                },
                campaign.get_absolute_url(),
            )
    return report


# --- dispute entries -----------------------------------------------------------------------


def _clean_entry(values: dict, *, today) -> dict:
    errors: dict = {}
    cleaned = {}
    if values.get("kind") not in DisputeKind.values:
        errors["kind"] = _("请选择纠纷类型。")
    if values.get("risk") not in DisputeRisk.values:
        errors["risk"] = _("请选择激化风险。")
    cleaned["kind"], cleaned["risk"] = values.get("kind"), values.get("risk")
    cleaned["parties"] = _text(
        values.get("parties"), "parties", _("当事各方"), errors, required=True
    )
    cleaned["description"] = _text(
        values.get("description"), "description", _("纠纷情况"), errors, required=True
    )
    cleaned["action_taken"] = _text(
        values.get("action_taken"), "action_taken", _("已采取措施"), errors
    )
    found_on = values.get("found_on") or today
    if not isinstance(found_on, datetime.date) or isinstance(found_on, datetime.datetime):
        errors["found_on"] = _("发现日期格式不正确。")
    elif found_on > today:
        errors["found_on"] = _("发现日期不能晚于今天。")
    elif found_on < today - EARLIEST_FOUND:
        errors["found_on"] = _("发现日期不能早于一年前，请核对。")
    cleaned["found_on"] = found_on
    if "status" in values:
        # Becoming a case or a mediation has its own step; by hand only open or resolved.
        if values["status"] not in (DisputeStatus.OPEN, DisputeStatus.RESOLVED):
            errors["status"] = _("请选择化解中或已化解。")
        cleaned["status"] = values["status"]
    if errors:
        raise ValidationError(errors)
    return cleaned


def entry_create(
    *,
    user,
    report,
    kind: str,
    risk: str,
    parties: str,
    description: str,
    action_taken: str = "",
    found_on=None,
) -> DisputeEntry:
    _require(user, "add", DisputeEntry)
    cleaned = _clean_entry(
        {
            "kind": kind,
            "risk": risk,
            "parties": parties,
            "description": description,
            "action_taken": action_taken,
            "found_on": found_on,
        },
        today=timezone.localdate(),
    )
    with transaction.atomic():
        report = _open_report(user, report)
        entry = DisputeEntry(
            report=report,
            org=report.org,
            created_by=user,
            is_sensitive=cleaned["kind"] == DisputeKind.VIOLENCE,
            **cleaned,
        )
        entry.save(force_insert=True)
        audit.record_change(user, entry, "create", after=audit.snapshot(entry), report_id=report.pk)
    return entry


def _locked_entry(user, entry, action: str = "change") -> DisputeEntry:
    return _locked(DisputeEntry, user, entry, action, _("矛盾纠纷"))


def entry_update(
    *, user, entry, kind, risk, parties, description, action_taken, status, found_on
) -> DisputeEntry:
    """Keep an entry up to date (also after the return was submitted: how it was resolved).
    A violence entry stays sensitive whatever its kind becomes."""
    cleaned = _clean_entry(
        {
            "kind": kind,
            "risk": risk,
            "parties": parties,
            "description": description,
            "action_taken": action_taken,
            "found_on": found_on,
            "status": status,
        },
        today=timezone.localdate(),
    )
    with transaction.atomic():
        entry = _locked_entry(user, entry)
        if entry.status in (DisputeStatus.CASE, DisputeStatus.MEDIATION):
            cleaned.pop("status")
        # What the unit reported stays as reported; only the handling moves on.
        reported = entry.report_id and entry.report.status != ScreeningReportStatus.PENDING
        if reported and (cleaned["kind"], cleaned["risk"]) != (entry.kind, entry.risk):
            raise ValidationError(
                {"kind": _("本单位已上报，纠纷类型和风险以上报时为准，不能再修改。")}
            )
        changed = [f for f, v in cleaned.items() if getattr(entry, f) != v]
        if not changed:
            return entry
        before = audit.snapshot(entry)
        for field in changed:
            setattr(entry, field, cleaned[field])
        if entry.kind == DisputeKind.VIOLENCE and not entry.is_sensitive:
            entry.is_sensitive = True
            changed.append("is_sensitive")
        entry.save(update_fields=[*changed, "updated_at"])
        audit.record_change(user, entry, "update", before=before, after=audit.snapshot(entry))
    return entry


def entry_delete(*, user, entry) -> None:
    """Remove an entry recorded by mistake, while the return is still being filled."""
    _require(user, "delete", DisputeEntry)
    with transaction.atomic():
        entry = _locked_entry(user, entry, "delete")
        if entry.report_id:
            _open_report(user, entry.report_id)
        if entry.case_id or entry.mediation_id:
            raise ValidationError(_("已转为个案或调解的矛盾纠纷不能删除。"))
        before = audit.snapshot(entry)
        audit.record_change(user, entry, "delete", before=before)
        entry.delete()


def _entry_narrative(entry: DisputeEntry) -> str:
    parts = [
        _("当事各方：%(v)s") % {"v": entry.parties},
        _("纠纷情况：%(v)s") % {"v": entry.description},
    ]
    if entry.action_taken:
        parts.append(_("已采取措施：%(v)s") % {"v": entry.action_taken})
    return "\n".join(parts)


def _case_from_entry(user, entry, *, category, summary, gbv_type, urgency):
    from jinguo.cases.choices import Channel
    from jinguo.cases.services.intake import case_create

    # The case stays with the unit that found the dispute, when she may place it there; a
    # grid worker's goes to her community, as every grid report does.
    org = entry.org if may(user, "view", entry.org) else None
    return case_create(
        user=user,
        channel=Channel.GRID,
        summary=summary,
        category=category,
        gbv_type=gbv_type or "",
        urgency=urgency,
        narrative=_entry_narrative(entry),
        received_at=timezone.now(),
        org=org,
    )


def _check_convertible(entry) -> None:
    if entry.case_id is not None:
        raise ValidationError(_("该矛盾纠纷已转为个案。"))


def entry_to_case(*, user, entry, category, summary, gbv_type: str = "", urgency: str = "normal"):
    """Register a case from the entry (the cases intake service: number, deadlines, timeline);
    the entry links to it."""
    with transaction.atomic():
        entry = _locked_entry(user, entry)
        _check_convertible(entry)
        case = _case_from_entry(
            user, entry, category=category, summary=summary, gbv_type=gbv_type, urgency=urgency
        )
        before = audit.snapshot(entry)
        entry.case, entry.status = case, DisputeStatus.CASE
        if case.is_sensitive and not entry.is_sensitive:
            entry.is_sensitive = True
        entry.save(update_fields=["case", "status", "is_sensitive", "updated_at"])
        audit.record_change(
            user,
            entry,
            "dispute_to_case",
            before=before,
            after=audit.snapshot(entry),
            case_id=case.pk,
        )
    return case


def entry_to_mediation(
    *,
    user,
    entry,
    held_at,
    mode: str,
    mediators: str,
    outcome: str,
    parties: str = "",
    place: str = "",
    statements: str = "",
    agreement: str = "",
    case_fields: dict | None = None,
):
    """Record a mediation of the entry's dispute (the cases mediation service). A mediation
    belongs to a case: an entry not yet a case is registered as one first, from
    ``case_fields`` (category, summary, gbv_type, urgency)."""
    from jinguo.cases.models import Mediation
    from jinguo.cases.services.mediation import mediation_create

    _require(user, "add", Mediation)
    with transaction.atomic():
        entry = _locked_entry(user, entry)
        if entry.mediation_id is not None:
            raise ValidationError(_("该矛盾纠纷已有调解记录，请在个案中继续登记调解。"))
        before = audit.snapshot(entry)
        case = entry.case
        if case is None:
            if not case_fields:
                raise ValidationError({"category": _("请先填写个案信息。")})
            case = _case_from_entry(user, entry, **case_fields)
        mediation = mediation_create(
            user=user,
            case=case,
            held_at=held_at,
            mode=mode,
            parties=(parties or "").strip() or entry.parties,
            mediators=mediators,
            outcome=outcome,
            place=place,
            statements=statements,
            agreement=agreement,
        )
        entry.case, entry.mediation, entry.status = case, mediation, DisputeStatus.MEDIATION
        if case.is_sensitive:
            entry.is_sensitive = True
        entry.save(update_fields=["case", "mediation", "status", "is_sensitive", "updated_at"])
        audit.record_change(
            user,
            entry,
            "dispute_to_mediation",
            before=before,
            after=audit.snapshot(entry),
            case_id=case.pk,
            mediation_id=mediation.pk,
        )
    return mediation
