"""Intake: registering an appeal from any channel, editing it, its parties and notes.

CONTRACT (other code may rely on these signatures):
- case_create(*, user, channel, summary, category, narrative="", subcategory=None,
  gbv_type="", urgency="normal", received_at=None, complainant=None,
  new_complainant=None, anonymous=False, caller_phone="", parties=(), org=None,
  involves_minor=False, client_reference="") -> Case
    new_complainant: {"name", "gender", "phone", "id_number", "birth_date"} creates a Person
    in ``org`` through the people services; parties: [{"person", "role", "description"}].
    Raises ValidationError({field: message}) in Chinese. Gives the number, sensitivity,
    repeat flag (same complainant or caller phone within 30 days), deadlines; the creator
    gets a view share; event REGISTERED; audit "create".
- case_create_idempotent(**same kwargs, client_reference required) -> tuple[Case, bool]
    The same (user, client_reference) twice returns the first case and False.
  Both run again by themselves when PostgreSQL breaks a deadlock by aborting them (only
  when called outside a transaction; see core.concurrency.retry_on_deadlock).
- case_update(*, user, case, version, summary, narrative, category, subcategory, gbv_type,
  urgency, involves_minor) -> Case  (StaleVersion when ``version`` is stale)
- party_add(*, user, case, role, person=None, description="") -> CaseParty
- party_remove(*, user, party) -> None
- case_add_note(*, user, case, note, version=None) -> CaseEvent

Details:
- ``org`` defaults to the user's home unit; a grid worker's report goes to her grid's parent
  (the community federation). Any other ``org`` must lie in the user's subtree.
- ``new_complainant`` may also carry "org" (community or grid to file her with; defaults to
  the case's unit, else the user's home unit) and "id_type". Errors about her are keyed
  ``complainant_<field>`` (complainant_name, complainant_phone, complainant_org…).
- A category given as a sub-category is split into (its parent, itself).
- Sensitivity never drops when a party is removed; ``case_update`` recomputes it.
"""

import re
from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.concurrency import check_version, retry_on_deadlock
from jinguo.core.notifications import notify_unit_leaders
from jinguo.core.sharing import share_grant
from jinguo.people.services.derived import phone_index

from .. import choices
from ..deadlines import apply_deadlines
from ..models import CLIENT_REFERENCE_PATTERN, Case, CaseParty
from .common import (
    add_event,
    audit_change,
    bump,
    case_is_sensitive,
    case_persons,
    case_search_text,
    case_url,
    check_org,
    clean_categories,
    clean_choices,
    clean_parties,
    clean_phone,
    clean_summary,
    locked_case,
    require_perm,
    sync_dependants,
    visible_person,
)
from .numbering import next_case_number

REPEAT_WINDOW = timedelta(days=30)
CREATOR_SHARE_REASON = "登记人"
CLIENT_REFERENCE_MAX = Case._meta.get_field("client_reference").max_length
NEW_PERSON_FIELDS = ("name", "gender", "phone", "id_number", "birth_date", "id_type", "address")


def client_reference_error(reference: str) -> str | None:
    """Why a platform's reference cannot be used (it must also work in the status URL)."""
    if len(reference) > CLIENT_REFERENCE_MAX:
        return _("对方系统编号不能超过 %(n)d 个字符。") % {"n": CLIENT_REFERENCE_MAX}
    if not re.fullmatch(CLIENT_REFERENCE_PATTERN, reference):
        return _("对方系统编号只能由字母、数字和 . _ : - 组成，且以字母或数字开头。")
    return None


def _create_complainant(user, case_org, values: dict):
    from jinguo.people.choices import IdType
    from jinguo.people.services.persons import PERSON_UNIT_KINDS, person_create

    data = {k: values[k] for k in NEW_PERSON_FIELDS if k in values and values[k] is not None}
    if "id_type" not in data:
        data["id_type"] = IdType.RESIDENT if data.get("id_number") else IdType.NONE
    org = values.get("org")
    if org is None:
        org = case_org if case_org.kind in PERSON_UNIT_KINDS else user.home_unit
    try:
        with transaction.atomic():
            return person_create(
                user=user,
                org=org,
                confirm_unknown_area=bool(values.get("confirm_unknown_area")),
                **data,
            )
    except PermissionDenied:
        raise ValidationError(
            {"complainant_name": _("您没有新建人员档案的权限，请选择已有档案或匿名登记。")}
        ) from None
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", None)
        if errors is None:
            raise ValidationError({"complainant_name": exc.messages}) from None
        raise ValidationError(
            {
                f"complainant_{field}": [m for e in errs for m in e.messages]
                for field, errs in errors.items()
            }
        ) from None


# Appeals are registered when they arrive; nothing on the platform predates this.
EARLIEST_RECEIVED = datetime(2000, 1, 1, tzinfo=UTC)


def find_repeat_of(case: Case):
    """The latest other case of the same complainant (or, anonymous, the same caller phone)
    received within 30 days before this one."""
    if case.complainant_id:
        same = Case.objects.filter(complainant_id=case.complainant_id)
    elif case.caller_phone_index:
        same = Case.objects.filter(caller_phone_index=case.caller_phone_index)
    else:
        return None
    return (
        same.filter(
            received_at__gte=case.received_at - REPEAT_WINDOW,
            received_at__lte=case.received_at,
        )
        .exclude(pk=case.pk)
        .order_by("-received_at", "-pk")
        .first()
    )


# --- create --------------------------------------------------------------------------------


@retry_on_deadlock
def case_create(
    *,
    user,
    channel,
    summary,
    category,
    narrative="",
    subcategory=None,
    gbv_type="",
    urgency=choices.Urgency.NORMAL,
    received_at=None,
    complainant=None,
    new_complainant=None,
    anonymous=False,
    caller_phone="",
    parties=(),
    org=None,
    involves_minor=False,
    client_reference="",
) -> Case:
    require_perm(user, "add")
    now = timezone.now()
    errors: dict = {}
    summary = clean_summary(summary, errors)
    clean_choices(errors, channel=channel, urgency=urgency)
    category, subcategory = clean_categories(category, subcategory, gbv_type, errors)
    received_at = received_at or now
    if received_at > now + timedelta(minutes=5):
        errors["received_at"] = _("收到时间不能晚于现在。")
    elif received_at < EARLIEST_RECEIVED:
        # Older dates are typing errors; deadlines computed from them would mean nothing.
        errors["received_at"] = _("收到时间不能早于 2000 年 1 月 1 日，请核对。")
    caller_phone = clean_phone(caller_phone, errors)
    client_reference = (client_reference or "").strip()
    if client_reference and (problem := client_reference_error(client_reference)):
        errors["client_reference"] = problem
    if anonymous and (complainant is not None or new_complainant):
        errors["complainant"] = _("匿名登记时不能同时选择或新建诉求人。")
    elif complainant is not None and new_complainant:
        errors["complainant"] = _("请选择已有档案或新建档案，不能同时二选。")
    complainant = visible_person(user, complainant, errors, "complainant")
    cleaned_parties = clean_parties(user, parties, errors)
    with transaction.atomic():
        org = check_org(user, org, errors)
        if errors:
            raise ValidationError(errors)
        # Locks in one order everywhere: the unit's case counter, then the audit chain head
        # (filing a new complainant writes an audit row). The other order deadlocks on
        # PostgreSQL against a concurrent intake for the same unit.
        number = next_case_number(org, at=now)
        if new_complainant:
            complainant = _create_complainant(user, org, new_complainant)
        persons = [complainant, *(p["person"] for p in cleaned_parties)]
        involves_minor = bool(
            involves_minor
            or any(p["role"] == choices.PartyRole.CHILD for p in cleaned_parties)
            or any(p is not None and p.is_minor for p in persons)
        )
        case = Case(
            org=org,
            channel=channel,
            received_at=received_at,
            summary=summary,
            narrative=(narrative or "").strip(),
            category=category,
            subcategory=subcategory,
            gbv_type=gbv_type or "",
            urgency=urgency,
            involves_minor=involves_minor,
            complainant=complainant,
            anonymous=bool(anonymous),
            caller_phone=caller_phone,
            caller_phone_index=phone_index(caller_phone),
            client_reference=client_reference,
            created_by=user,
            created_at=now,
        )
        case.is_sensitive = case_is_sensitive(case, persons)
        case.number = number
        case.search_text = case_search_text(case)
        apply_deadlines(case, now=now)
        repeat_of = find_repeat_of(case)
        if repeat_of is not None:
            case.repeat_of, case.is_repeat = repeat_of, True
        case.save(force_insert=True)
        for party in cleaned_parties:
            CaseParty.objects.create(case=case, **party)
        share_grant(
            obj=case, user=user, actions=("view",), reason=CREATOR_SHARE_REASON, granted_by=user
        )
        add_event(
            case,
            choices.EventKind.REGISTERED,
            user=user,
            to_status=case.status,
            at=now,
            channel=channel,
            unit_id=org.pk,
            unit=org.name,
        )
        if repeat_of is not None:
            add_event(
                case,
                choices.EventKind.REPEAT,
                user=user,
                at=now,
                repeat_of_id=repeat_of.pk,
                repeat_of=repeat_of.number,
            )
        if case.urgency == choices.Urgency.URGENT:
            notify_unit_leaders(
                org,
                _("紧急诉求 %(number)s 待受理") % {"number": case.number},
                case.summary,
                case_url(case),
                "danger",
            )
        audit.record_change(user, case, "create", after=audit.snapshot(case))
    return case


@retry_on_deadlock
def case_create_idempotent(**kwargs) -> tuple[Case, bool]:
    """For client systems that retry: one case per (account, client reference)."""
    user = kwargs["user"]
    reference = (kwargs.get("client_reference") or "").strip()
    if not reference:
        raise ValidationError({"client_reference": _("请提供对方系统编号（用于防止重复提交）。")})
    kwargs["client_reference"] = reference
    existing = registered_case(user, reference)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return case_create(**kwargs), True
    except IntegrityError:
        # The same request raced us and won; answer with its case.
        existing = registered_case(user, reference)
        if existing is None:
            raise
        return existing, False


def registered_case(user, reference: str) -> Case | None:
    """The case this account already registered under ``reference``, if any."""
    return Case.objects.filter(created_by=user, client_reference=reference).first()


# --- edit ----------------------------------------------------------------------------------


def case_update(
    *,
    user,
    case,
    version,
    summary,
    narrative,
    category,
    subcategory,
    gbv_type,
    urgency,
    involves_minor,
) -> Case:
    errors: dict = {}
    summary = clean_summary(summary, errors)
    clean_choices(errors, urgency=urgency)
    category, subcategory = clean_categories(category, subcategory, gbv_type, errors)
    with transaction.atomic():
        case = locked_case(user, case, "change")
        check_version(case, version)
        if not case.is_open:
            errors["__all__"] = _("个案已%(status)s，不能再修改；如需继续办理请先重新办理。") % {
                "status": case.get_status_display()
            }
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(case)
        case.summary = summary
        case.narrative = (narrative or "").strip()
        case.category, case.subcategory = category, subcategory
        case.gbv_type = gbv_type or ""
        case.urgency = urgency
        case.involves_minor = bool(involves_minor)
        was_sensitive = case.is_sensitive
        case.is_sensitive = case_is_sensitive(case, case_persons(case))
        case.search_text = case_search_text(case)
        fields = [
            "summary",
            "narrative",
            "category",
            "subcategory",
            "gbv_type",
            "urgency",
            "involves_minor",
            "is_sensitive",
            "search_text",
        ]
        fields += apply_deadlines(case)
        bump(case, fields)
        if was_sensitive != case.is_sensitive:
            sync_dependants(case)
        changed = sorted(
            k
            for k, v in audit.diff(before, audit.snapshot(case))[1].items()
            if k not in ("version", "updated_at", "search_text")
        )
        add_event(case, choices.EventKind.UPDATED, user=user, fields=changed)
        audit_change(user, case, "update", before)
    return case


def _raise_sensitivity(case: Case, person, role: str) -> list[str]:
    fields = []
    if ((person is not None and person.is_minor) or role == choices.PartyRole.CHILD) and not (
        case.involves_minor
    ):
        case.involves_minor = True
        fields.append("involves_minor")
    if not case.is_sensitive and case_is_sensitive(case, [person]):
        case.is_sensitive = True
        fields.append("is_sensitive")
    return fields


def party_add(*, user, case, role, person=None, description="") -> CaseParty:
    errors: dict = {}
    description = (description or "").strip()
    if role not in choices.PartyRole.values:
        errors["role"] = _("请选择当事人的身份。")
    if person is None and not description:
        errors["person"] = _("请选择人员档案，或填写当事人说明（如“丈夫，约40岁”）。")
    if len(description) > 200:
        errors["description"] = _("说明不能超过 200 个字。")
    person = visible_person(user, person, errors, "person")
    with transaction.atomic():
        case = locked_case(user, case, "change")
        if errors:
            raise ValidationError(errors)
        if person is not None and case.parties.filter(person=person, role=role).exists():
            raise ValidationError({"person": _("此人已以该身份列为当事人。")})
        party = CaseParty.objects.create(
            case=case, person=person, role=role, description=description
        )
        before = audit.snapshot(case)
        fields = _raise_sensitivity(case, person, role)
        if fields:
            bump(case, fields)
            sync_dependants(case)
        add_event(
            case,
            choices.EventKind.PARTY_ADDED,
            user=user,
            party_id=party.pk,
            role=role,
            person_id=person.pk if person else None,
        )
        audit.record_change(
            user, case, "update", before=before, after=audit.snapshot(case), party_added=party.pk
        )
    return party


def party_remove(*, user, party) -> None:
    with transaction.atomic():
        case = locked_case(user, party.case_id, "change")
        party = CaseParty.objects.filter(pk=party.pk, case=case).first()
        if party is None:
            raise ValidationError(_("该当事人已被移除。"))
        data = {"party_id": party.pk, "role": party.role, "person_id": party.person_id}
        party.delete()
        add_event(case, choices.EventKind.UPDATED, user=user, party_removed=data)
        audit.record_change(user, case, "update", before={"party": data}, after={"party": None})


def case_add_note(*, user, case, note, version=None):
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写办理记录。")})
    with transaction.atomic():
        case = locked_case(user, case, "change")
        check_version(case, version)
        if not case.is_open:
            raise ValidationError(
                _("个案已%(status)s，不能再添加办理记录。") % {"status": case.get_status_display()}
            )
        event = add_event(case, choices.EventKind.NOTE, user=user, note=note)
        audit.record_change(user, case, "note", after={"event_id": event.pk})
    return event
