"""Police written warnings (告诫书) and the committee's follow-up visits.

CONTRACT:
- warning_create(*, user, person, police_station, issued_on, facts, prohibition, abuser=None,
  abuser_description="", document_number="", served_to="", served_at=None, case=None,
  visit_every_days=DEFAULT_EVERY_DAYS, visits_until=None) -> PoliceWarning
- warning_update(*, user, warning, version=None, **same fields but person) -> PoliceWarning
- visit_record(*, user, visit, done_at, reached=True, with_police=False, finding="")
    -> WarningVisit
- visits_sweep(now=None) -> int  (due visits past their day become ``missed``; the unit's
  leader is told)

The warning belongs to the victim's residents'/villagers' committee (``org``: her community).
Saving it tells that committee through the platform, shares the warning (to read) and its
visits (to read and record) with the committee — and with her grid when she is filed under
one — and schedules the visits: every ``visit_every_days`` (default 30) from the day of issue
until ``visits_until`` (default 90 days after issue), i.e. three visits by default.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases.choices import AgencyKind
from jinguo.core import audit
from jinguo.core.concurrency import check_version
from jinguo.core.notifications import notify, notify_unit_leaders
from jinguo.core.scoping import may
from jinguo.core.sharing import share_grant

from ... import choices
from ...models import PoliceWarning, WarningVisit
from .common import (
    TEXT_MAX,
    aware,
    check_agency,
    check_case_person,
    committee_of,
    locked,
    not_future,
    require_perm,
    text,
    visible_case,
    visible_person,
)

DEFAULT_EVERY_DAYS = 30
DEFAULT_VISIT_SPAN_DAYS = 90
MAX_VISITS = 24
SHARE_REASON = "告诫书通知居（村）委会回访"
FIELDS = (
    "police_station",
    "document_number",
    "issued_on",
    "abuser",
    "abuser_description",
    "facts",
    "prohibition",
    "served_to",
    "served_at",
    "case",
    "visit_every_days",
    "visits_until",
)


def _clean(user, values: dict, *, person) -> dict:
    errors: dict[str, str] = {}
    cleaned = {
        "facts": text(values, errors, "facts", _("家庭暴力事实"), required=True),
        "prohibition": text(values, errors, "prohibition", _("禁止事项"), required=True),
        "abuser_description": text(values, errors, "abuser_description", _("加害人情况")),
        "document_number": text(values, errors, "document_number", _("告诫书文号"), limit=60),
        "served_to": text(values, errors, "served_to", _("送达对象"), limit=100),
    }
    cleaned["police_station"] = check_agency(
        user,
        values.get("police_station"),
        AgencyKind.POLICE,
        errors,
        "police_station",
        _("出具告诫书的公安机关"),
    )
    issued_on = values.get("issued_on")
    if not isinstance(issued_on, datetime.date) or isinstance(issued_on, datetime.datetime):
        errors["issued_on"] = _("请填写告诫书出具日期。")
        issued_on = None
    else:
        not_future(issued_on, errors, "issued_on", _("出具日期"))
    cleaned["issued_on"] = issued_on
    abuser = values.get("abuser")
    cleaned["abuser"] = visible_person(user, abuser, errors, "abuser", _("加害人"), required=False)
    if abuser is None and not cleaned["abuser_description"] and "abuser_description" not in errors:
        errors["abuser_description"] = _("请选择已建档的加害人，或填写加害人情况。")
    if cleaned["abuser"] is not None and person is not None and cleaned["abuser"].pk == person.pk:
        errors["abuser"] = _("加害人不能是受害人本人。")
    served_at = aware(values.get("served_at"))
    if served_at is not None:
        not_future(served_at, errors, "served_at", _("送达时间"))
        if issued_on and timezone.localdate(served_at) < issued_on and "served_at" not in errors:
            errors["served_at"] = _("送达时间不能早于出具日期。")
    cleaned["served_at"] = served_at
    cleaned["case"] = visible_case(user, values.get("case"), errors)
    check_case_person(cleaned["case"], person, errors)
    every = values.get("visit_every_days") or DEFAULT_EVERY_DAYS
    if not isinstance(every, int) or not 1 <= every <= 365:
        errors["visit_every_days"] = _("回访间隔须在 1 到 365 天之间。")
        every = DEFAULT_EVERY_DAYS
    cleaned["visit_every_days"] = every
    until = values.get("visits_until")
    if until is None and issued_on:
        until = issued_on + datetime.timedelta(days=DEFAULT_VISIT_SPAN_DAYS)
    if until is not None and issued_on:
        if until < issued_on + datetime.timedelta(days=every):
            errors["visits_until"] = _("回访截止日期过早，至少应安排一次回访。")
        elif (until - issued_on).days // every > MAX_VISITS:
            errors["visits_until"] = _(
                "回访次数过多（最多 %(n)d 次），请加大间隔或提前截止日期。"
            ) % {"n": MAX_VISITS}
    cleaned["visits_until"] = until
    if errors:
        raise ValidationError(errors)
    return cleaned


def visit_days(issued_on: datetime.date, every: int, until: datetime.date) -> list:
    days, day = [], issued_on + datetime.timedelta(days=every)
    while day <= until and len(days) < MAX_VISITS:
        days.append(day)
        day += datetime.timedelta(days=every)
    return days


def _share_units(warning: PoliceWarning) -> list:
    units = [warning.org]
    if warning.person.org_id != warning.org_id:
        units.append(warning.person.org)
    return units


def _committee_users(units) -> list:
    """Active users of these units who record warning visits (the right permission)."""
    users = get_user_model().objects.filter(home_unit__in=units, is_active=True).order_by("pk")
    return [u for u in users if u.has_perm("protection.change_warningvisit")]


def _schedule(user, warning: PoliceWarning, days: list) -> list:
    visits = [
        WarningVisit(
            warning=warning,
            person=warning.person,
            org=warning.org,
            due_on=day,
            is_sensitive=warning.is_sensitive,
        )
        for day in days
    ]
    for visit in visits:
        visit.save(force_insert=True)
    for unit in _share_units(warning):
        for visit in visits:
            share_grant(
                obj=visit,
                unit=unit,
                actions=("view", "change"),
                reason=SHARE_REASON,
                granted_by=user,
            )
    return visits


def warning_create(
    *,
    user,
    person,
    police_station,
    issued_on,
    facts: str,
    prohibition: str,
    abuser=None,
    abuser_description: str = "",
    document_number: str = "",
    served_to: str = "",
    served_at=None,
    case=None,
    visit_every_days: int | None = None,
    visits_until=None,
) -> PoliceWarning:
    require_perm(user, "add", PoliceWarning)
    errors: dict = {}
    victim = visible_person(user, person, errors, "person", _("受害人"))
    if errors:
        raise ValidationError(errors)
    cleaned = _clean(
        user,
        {
            "police_station": police_station,
            "issued_on": issued_on,
            "facts": facts,
            "prohibition": prohibition,
            "abuser": abuser,
            "abuser_description": abuser_description,
            "document_number": document_number,
            "served_to": served_to,
            "served_at": served_at,
            "case": case,
            "visit_every_days": visit_every_days,
            "visits_until": visits_until,
        },
        person=victim,
    )
    now = timezone.now()
    with transaction.atomic():
        warning = PoliceWarning(
            person=victim,
            org=committee_of(victim.org),
            created_by=user,
            committee_notified_at=now,
            **cleaned,
        )
        warning.save(force_insert=True)
        visits = _schedule(
            user,
            warning,
            visit_days(warning.issued_on, warning.visit_every_days, warning.visits_until),
        )
        units = _share_units(warning)
        for unit in units:
            share_grant(
                obj=warning, unit=unit, actions=("view",), reason=SHARE_REASON, granted_by=user
            )
        url = reverse("protection:policewarning_detail", args=[warning.pk])
        for recipient in _committee_users(units):
            notify(
                recipient,
                _("新的告诫书：请安排回访"),
                _(
                    "%(station)s于 %(day)s 出具告诫书，请会同派出所按计划回访（共 %(n)d 次，首次 %(first)s）。"
                )
                % {
                    "station": warning.police_station.name,
                    "day": warning.issued_on.isoformat(),
                    "n": len(visits),
                    "first": visits[0].due_on.isoformat() if visits else "—",
                },
                url=url,
                level="warning",
            )
        audit.record_change(
            user,
            warning,
            "create",
            after=audit.snapshot(warning),
            visits=len(visits),
            notified_units=[u.pk for u in units],
        )
    return warning


def warning_update(*, user, warning, version=None, **values) -> PoliceWarning:
    """Correct a warning's record. The visit schedule is not rewritten: visits still due are
    re-planned only when the interval or the end date changes."""
    require_perm(user, "change", PoliceWarning)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        warning = locked(user, PoliceWarning, warning, "change")
        check_version(warning, version)
        current = {f: getattr(warning, f) for f in FIELDS}
        merged = {**current, **values}
        cleaned = _clean(user, merged, person=warning.person)
        changed = [f for f in FIELDS if cleaned[f] != current[f]]
        if not changed:
            return warning
        before = audit.snapshot(warning)
        for field in changed:
            setattr(warning, field, cleaned[field])
        warning.version += 1
        warning.save(update_fields=[*changed, "version", "updated_at"])
        if {"visit_every_days", "visits_until", "issued_on"} & set(changed):
            _replan(user, warning)
        audit.record_change(user, warning, "update", before=before, after=audit.snapshot(warning))
    return warning


def _replan(user, warning: PoliceWarning) -> None:
    """Cancel the visits still due and schedule the rest of the new plan after the last visit
    that happened (or was missed), so the record of what was done stays as it was."""
    pending = warning.visits.filter(state=choices.VisitState.DUE)
    pending.update(state=choices.VisitState.CANCELLED)
    last = (
        warning.visits.exclude(state=choices.VisitState.CANCELLED)
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    days = visit_days(warning.issued_on, warning.visit_every_days, warning.visits_until)
    today = timezone.localdate()
    _schedule(user, warning, [d for d in days if (last is None or d > last) and d >= today])


def visit_record(
    *, user, visit, done_at, reached: bool = True, with_police: bool = False, finding: str = ""
) -> WarningVisit:
    """The committee's record of one visit: done (or she could not be reached), with the
    police station or not, and what it found. A missed visit may still be recorded late."""
    require_perm(user, "change", WarningVisit)
    errors: dict = {}
    finding = text({"finding": finding}, errors, "finding", _("回访情况"), required=True)
    done_at = aware(done_at)
    if not isinstance(done_at, datetime.datetime):
        errors["done_at"] = _("请填写回访时间。")
    else:
        not_future(done_at, errors, "done_at", _("回访时间"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        visit = locked(user, WarningVisit, visit, "change")
        if visit.state not in (choices.VisitState.DUE, choices.VisitState.MISSED):
            raise ValidationError(_("这次回访已记录或已取消，不能重复登记。"), code="state")
        if timezone.localdate(done_at) < visit.warning.issued_on:
            raise ValidationError({"done_at": _("回访时间不能早于告诫书出具日期。")})
        before = audit.snapshot(visit)
        visit.state = choices.VisitState.DONE if reached else choices.VisitState.UNREACHABLE
        visit.done_at = done_at
        visit.done_by = user
        visit.with_police = bool(with_police)
        visit.finding = finding
        visit.save(update_fields=["state", "done_at", "done_by", "with_police", "finding"])
        audit.record_change(user, visit, "update", before=before, after=audit.snapshot(visit))
    return visit


def visits_sweep(now=None) -> int:
    """Visits still due after their day become missed, and the unit's leader hears of it (the
    nearest unit upwards that has one). Each visit is marked once, so each is told once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    late = list(
        WarningVisit.objects.filter(state=choices.VisitState.DUE, due_on__lt=today).select_related(
            "org", "warning"
        )
    )
    for visit in late:
        with transaction.atomic():
            updated = WarningVisit.objects.filter(pk=visit.pk, state=choices.VisitState.DUE).update(
                state=choices.VisitState.MISSED
            )
            if not updated:
                continue
            _tell_leaders(visit)
            audit.record_change(
                None,
                visit,
                "update",
                before={"state": choices.VisitState.DUE},
                after={"state": choices.VisitState.MISSED},
                reason="sweep",
            )
    return len(late)


def _tell_leaders(visit: WarningVisit) -> None:
    url = reverse("protection:warningvisit_detail", args=[visit.pk])
    unit = visit.org
    while unit is not None:
        told = notify_unit_leaders(
            unit,
            _("告诫书回访逾期"),
            _("%(unit)s应于 %(day)s 进行的告诫书回访未按时登记，请督促落实。")
            % {"unit": visit.org.name, "day": visit.due_on.isoformat()},
            url=url,
            level="danger",
        )
        if told:
            return
        unit = unit.parent


def may_record(user, visit) -> bool:
    return (
        visit.state in (choices.VisitState.DUE, choices.VisitState.MISSED)
        and user.has_perm("protection.change_warningvisit")
        and may(user, "change", visit)
    )


__all__ = [
    "DEFAULT_EVERY_DAYS",
    "DEFAULT_VISIT_SPAN_DAYS",
    "TEXT_MAX",
    "may_record",
    "visit_days",
    "visit_record",
    "visits_sweep",
    "warning_create",
    "warning_update",
]
