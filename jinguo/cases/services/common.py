"""Helpers every case service shares: scoped look-ups with a lock, the timeline event, and
the validation of typed case fields. The optimistic-lock check is core.concurrency's."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.concurrency import StaleVersion
from jinguo.core.identity import validate_phone
from jinguo.core.scoping import may, permission_name
from jinguo.orgs.choices import UnitKind
from jinguo.people.models import Person

from .. import choices
from ..models import Case, CaseEvent, Category

# The name the case services' contract gives a stale version.
ConflictError = StaleVersion


def require_perm(user, action: str, model=Case, message=None) -> None:
    if not user.has_perm(permission_name(model, action)):
        raise PermissionDenied(*([message] if message else []))


def locked_case(user, case: Case | int, action: str) -> Case:
    """Re-read ``case`` under a row lock through restrict(user, action); 404-equivalent
    ValidationError when it is out of reach (same answer as not existing)."""
    pk = case.pk if isinstance(case, Case) else case
    found = Case.objects.restrict(user, action).select_for_update().filter(pk=pk).first()
    if found is None:
        raise ValidationError(_("该个案不存在，或您无权进行此项操作。"), code="not_found")
    return found


def add_event(
    case: Case,
    kind: str,
    *,
    user=None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    at=None,
    **data,
) -> CaseEvent:
    """A typed step on the case's timeline (the audit row is written by the caller)."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=at or timezone.now(),
        actor=user if user is not None and getattr(user, "pk", None) else None,
        actor_unit_id=getattr(user, "home_unit_id", None),
        from_status=from_status,
        to_status=to_status,
        note=note or "",
        data={k: v for k, v in data.items() if v is not None},
    )


def bump(case: Case, fields: list[str]) -> None:
    """Save ``fields`` and the version; every change of a case goes through here."""
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def audit_change(user, case: Case, action: str, before: dict, **detail) -> None:
    audit.record_change(user, case, action, before=before, after=audit.snapshot(case), **detail)


# --- derived values shared by intake and the workflow --------------------------------------


def case_search_text(case: Case) -> str:
    """Words the queue's full-text search finds: number, summary, categories, channel."""
    from jinguo.core.search import build_search_text

    return build_search_text(
        case.number,
        case.summary,
        case.category.name if case.category_id else "",
        case.subcategory.name if case.subcategory_id else "",
        str(case.get_channel_display()),
    )


def case_is_sensitive(case: Case, persons=()) -> bool:
    """Violence, sexual violence and minors make a case sensitive, whatever else it is."""
    from ..choices import SEXUAL_GBV_TYPES

    for category in (case.category, case.subcategory):
        if category is not None and (category.is_violence or category.sensitive):
            return True
    if case.gbv_type in SEXUAL_GBV_TYPES or case.involves_minor:
        return True
    return any(p is not None and (p.is_sensitive or p.is_minor) for p in persons)


def case_persons(case: Case) -> list:
    """The complainant and every party on file."""
    from jinguo.people.models import Person

    ids = set(case.parties.exclude(person=None).values_list("person_id", flat=True))
    if case.complainant_id:
        ids.add(case.complainant_id)
    return list(Person.objects.filter(pk__in=ids)) if ids else []


def sync_dependants(case: Case) -> None:
    """Copy the case's sensitivity to the records that hang off it and are scoped alone."""
    from ..models import Attachment, Mediation, Referral

    for model in (Referral, Mediation, Attachment):
        model.objects.filter(case=case).exclude(is_sensitive=case.is_sensitive).update(
            is_sensitive=case.is_sensitive
        )


def case_url(case: Case) -> str:
    from django.urls import NoReverseMatch

    try:
        return case.get_absolute_url()
    except NoReverseMatch:
        return ""


SUMMARY_MAX = Case._meta.get_field("summary").max_length
# A summary is listed and searched in clear text: no phone or ID numbers in it.
_PII_IN_SUMMARY = re.compile(r"1[3-9]\d{9}|\d{17}[\dXx]|\d{3,4}-?\d{7,8}")


# --- validation of typed case fields (intake, edit, API) --------------------------------------------------------------------


def default_org(user):
    unit = user.home_unit
    if unit.kind == UnitKind.GRID and unit.parent_id:
        return unit.parent
    return unit


def check_org(user, org, errors: dict):
    home = default_org(user)
    if org is None:
        return home
    # A unit the user may see (her subtree) and place the case in; a grid worker's default,
    # the community above her grid, is allowed too.
    if org.pk == home.pk or (org.is_active and may(user, "view", org)):
        return org
    errors["org"] = _("所选单位不存在或不在您的管辖范围内。")
    return home


def clean_categories(category, subcategory, gbv_type, errors: dict):
    if isinstance(category, Category) and category.parent_id and subcategory is None:
        category, subcategory = category.parent, category
    if category is None or not isinstance(category, Category):
        errors["category"] = _("请选择诉求类别。")
        return None, None
    if not category.is_active:
        errors["category"] = _("该诉求类别已停用，请选择其他类别。")
    if subcategory is not None:
        if subcategory.parent_id != category.pk:
            errors["subcategory"] = _("子类别“%(sub)s”不属于“%(cat)s”，请重新选择。") % {
                "sub": subcategory.name,
                "cat": category.name,
            }
        elif not subcategory.is_active:
            errors["subcategory"] = _("该子类别已停用，请选择其他子类别。")
    if gbv_type and gbv_type not in choices.GbvType.values:
        errors["gbv_type"] = _("请选择有效的暴力类型。")
    violence = category.is_violence or (subcategory is not None and subcategory.is_violence)
    if violence and not gbv_type:
        errors["gbv_type"] = _("此类诉求涉及暴力，请选择暴力类型（如身体暴力、心理/情感虐待）。")
    return category, subcategory


def clean_summary(summary: str, errors: dict) -> str:
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("请用一句话概括诉求。")
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = _("诉求摘要不能超过 %(n)d 个字。") % {"n": SUMMARY_MAX}
    elif _PII_IN_SUMMARY.search(summary):
        errors["summary"] = _("诉求摘要会在列表中显示，请不要写电话号码或证件号码。")
    return summary


def clean_choices(errors: dict, *, channel=None, urgency=None) -> None:
    if channel is not None and channel not in choices.Channel.values:
        errors["channel"] = _("请选择来源渠道。")
    if urgency is not None and urgency not in choices.Urgency.values:
        errors["urgency"] = _("请选择紧急程度。")


def clean_phone(value: str, errors: dict, field: str = "caller_phone") -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return validate_phone(value)
    except ValidationError as exc:
        errors[field] = exc.messages[0]
        return value


def visible_person(user, person, errors: dict, field: str):
    if person is None:
        return None
    pk = person.pk if isinstance(person, Person) else person
    found = Person.objects.restrict(user, "view").filter(pk=pk, is_active=True).first()
    if found is None:
        errors[field] = _("所选人员档案不存在或您无权查看。")
    return found


def clean_parties(user, parties, errors: dict) -> list[dict]:
    cleaned = []
    for n, party in enumerate(parties or (), 1):
        role = party.get("role")
        description = (party.get("description") or "").strip()
        if role not in choices.PartyRole.values:
            errors["parties"] = _("第 %(n)d 位当事人：请选择身份。") % {"n": n}
            continue
        person = visible_person(user, party.get("person"), errors, "parties")
        if party.get("person") is None and not description:
            errors["parties"] = _("第 %(n)d 位当事人：请选择人员档案或填写说明。") % {"n": n}
            continue
        cleaned.append({"person": person, "role": role, "description": description[:200]})
    return cleaned
