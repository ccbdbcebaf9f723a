"""The public-opinion log (舆情): recording an item, keeping its handling up to date, closing it.

CONTRACT:
- opinion_create(*, user, source, occurred_on, title, summary, level, handling="", units=(),
  cases=()) -> OpinionItem
- opinion_update(*, user, opinion, source, occurred_on, title, summary, level, handling,
  units, cases) -> OpinionItem
- opinion_close(*, user, opinion, note) -> OpinionItem
- opinion_reopen(*, user, opinion) -> OpinionItem

An item belongs to the unit of whoever records it. Linked units and cases must be ones she may
see; on an edit, links to cases she cannot see (made by a colleague who could) are kept.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.notifications import notify_unit_leaders
from jinguo.core.scoping import permission_name
from jinguo.orgs.models import OrgUnit

from ..choices import OpinionLevel, OpinionSource, OpinionStatus
from ..models import OpinionItem

TEXT_MAX = 5000
TITLE_MAX = OpinionItem._meta.get_field("title").max_length
EARLIEST = datetime.date(2000, 1, 1)
LINKS_MAX = 50


def _text(value, field, label, errors, *, required=False, limit=TEXT_MAX) -> str:
    if value is not None and not isinstance(value, str):
        errors[field] = _("%(label)s格式不正确。") % {"label": label}
        return ""
    text = (value or "").strip()
    if required and not text:
        errors[field] = _("请填写%(label)s。") % {"label": label}
    elif len(text) > limit:
        errors[field] = _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": limit}
    return text


def _visible_ids(model, user, items, field: str, errors: dict, label: str) -> list[int]:
    ids = list(dict.fromkeys(getattr(i, "pk", i) for i in items or ()))
    if len(ids) > LINKS_MAX:
        errors[field] = _("%(label)s最多 %(n)d 个。") % {"label": label, "n": LINKS_MAX}
        return []
    if not ids:
        return []
    if any(not isinstance(i, int) for i in ids):
        errors[field] = _("%(label)s中有无法识别的项目。") % {"label": label}
        return []
    found = set(
        model.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True)
    )
    if found != set(ids):
        errors[field] = _("%(label)s中有不存在或您无权查看的项目。") % {"label": label}
    return ids


def _clean(user, values: dict) -> tuple[dict, list[int], list[int]]:
    from jinguo.cases.models import Case

    errors: dict = {}
    cleaned = {
        "title": _text(
            values.get("title"), "title", _("标题"), errors, required=True, limit=TITLE_MAX
        ),
        "summary": _text(values.get("summary"), "summary", _("内容摘要"), errors, required=True),
        "handling": _text(values.get("handling"), "handling", _("处置情况"), errors),
    }
    if values.get("source") not in OpinionSource.values:
        errors["source"] = _("请选择舆情来源。")
    if values.get("level") not in OpinionLevel.values:
        errors["level"] = _("请选择舆情等级。")
    cleaned["source"], cleaned["level"] = values.get("source"), values.get("level")
    occurred_on = values.get("occurred_on")
    if not isinstance(occurred_on, datetime.date) or isinstance(occurred_on, datetime.datetime):
        errors["occurred_on"] = _("请填写发现日期。")
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = _("发现日期不能晚于今天。")
    elif occurred_on < EARLIEST:
        errors["occurred_on"] = _("发现日期不能早于 2000 年，请核对。")
    cleaned["occurred_on"] = occurred_on
    units = _visible_ids(OrgUnit, user, values.get("units"), "units", errors, _("涉及单位"))
    cases = _visible_ids(Case, user, values.get("cases"), "cases", errors, _("关联个案"))
    if errors:
        raise ValidationError(errors)
    return cleaned, units, cases


def _links(opinion) -> dict:
    return {
        "unit_ids": sorted(opinion.units.values_list("pk", flat=True)),
        "case_ids": sorted(opinion.cases.values_list("pk", flat=True)),
    }


def _tell_leaders(opinion: OpinionItem) -> None:
    if opinion.level == OpinionLevel.MAJOR:
        notify_unit_leaders(
            opinion.org,
            _("重大舆情：%(title)s") % {"title": opinion.title},
            opinion.get_source_display(),
            opinion.get_absolute_url(),
            "danger",
        )


def opinion_create(
    *,
    user,
    source,
    occurred_on,
    title,
    summary,
    level,
    handling="",
    units=(),
    cases=(),
) -> OpinionItem:
    if not user.has_perm(permission_name(OpinionItem, "add")) or user.home_unit is None:
        raise PermissionDenied
    cleaned, unit_ids, case_ids = _clean(
        user,
        {
            "source": source,
            "occurred_on": occurred_on,
            "title": title,
            "summary": summary,
            "level": level,
            "handling": handling,
            "units": units,
            "cases": cases,
        },
    )
    with transaction.atomic():
        opinion = OpinionItem(org=user.home_unit, created_by=user, **cleaned)
        opinion.save(force_insert=True)
        opinion.units.set(unit_ids)
        opinion.cases.set(case_ids)
        _tell_leaders(opinion)
        audit.record_change(
            user, opinion, "create", after={**audit.snapshot(opinion), **_links(opinion)}
        )
    return opinion


def _locked(user, opinion) -> OpinionItem:
    pk = getattr(opinion, "pk", opinion)
    found = OpinionItem.objects.restrict(user, "change").select_for_update().filter(pk=pk).first()
    if found is None:
        raise ValidationError(_("该舆情不存在，或您无权进行此项操作。"), code="not_found")
    return found


def opinion_update(
    *, user, opinion, source, occurred_on, title, summary, level, handling, units, cases
) -> OpinionItem:
    from jinguo.cases.models import Case

    cleaned, unit_ids, case_ids = _clean(
        user,
        {
            "source": source,
            "occurred_on": occurred_on,
            "title": title,
            "summary": summary,
            "level": level,
            "handling": handling,
            "units": units,
            "cases": cases,
        },
    )
    with transaction.atomic():
        opinion = _locked(user, opinion)
        if opinion.status == OpinionStatus.CLOSED:
            raise ValidationError(_("该舆情已办结，如需修改请先重新打开。"))
        before = {**audit.snapshot(opinion), **_links(opinion)}
        was_major = opinion.level == OpinionLevel.MAJOR
        for field, value in cleaned.items():
            setattr(opinion, field, value)
        opinion.save(update_fields=list(cleaned))
        visible = Case.objects.restrict(user, "view").values("pk")
        hidden = list(opinion.cases.exclude(pk__in=visible).values_list("pk", flat=True))
        opinion.units.set(unit_ids)
        opinion.cases.set([*hidden, *case_ids])
        if not was_major:
            _tell_leaders(opinion)
        audit.record_change(
            user,
            opinion,
            "update",
            before=before,
            after={**audit.snapshot(opinion), **_links(opinion)},
        )
    return opinion


def opinion_close(*, user, opinion, note) -> OpinionItem:
    errors: dict = {}
    note = _text(note, "closing_note", _("办结说明"), errors, required=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        opinion = _locked(user, opinion)
        if opinion.status == OpinionStatus.CLOSED:
            raise ValidationError(_("该舆情已经办结。"))
        before = audit.snapshot(opinion)
        opinion.status = OpinionStatus.CLOSED
        opinion.closed_at = timezone.now()
        opinion.closing_note = note
        opinion.save(update_fields=["status", "closed_at", "closing_note"])
        audit.record_change(
            user, opinion, "opinion_close", before=before, after=audit.snapshot(opinion)
        )
    return opinion


def opinion_reopen(*, user, opinion) -> OpinionItem:
    with transaction.atomic():
        opinion = _locked(user, opinion)
        if opinion.status != OpinionStatus.CLOSED:
            raise ValidationError(_("该舆情尚未办结。"))
        before = audit.snapshot(opinion)
        opinion.status, opinion.closed_at = OpinionStatus.OPEN, None
        opinion.save(update_fields=["status", "closed_at"])
        audit.record_change(user, opinion, "update", before=before, after=audit.snapshot(opinion))
    return opinion
