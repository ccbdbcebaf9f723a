"""Every write to a person's record: create, update, deactivate, and the logged reveal of a field.

Each service runs in one transaction, checks the actor's permission and scope through
restrict(), validates with messages a community worker understands, writes one audit row with
before/after snapshots (encrypted fields stay encrypted), and recomputes the derived columns and
the sensitivity flag. Side effects run only after commit.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.concurrency import StaleVersion, check_version
from jinguo.core.errors import OutOfScope
from jinguo.core.identity import (
    area_is_known,
    cross_check_resident_id,
    parse_resident_id,
    unknown_area_message,
    validate_phone,
)
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit

from .. import choices
from ..models import Person
from .derived import (
    DERIVED_FIELDS,
    id_number_index,
    person_fill_derived,
    person_refresh_sensitivity,
)

# A person is filed with the community (village) federation or the grid she lives in.
PERSON_UNIT_KINDS = (UnitKind.COMMUNITY, UnitKind.GRID)

# Fields a worker types; everything else on Person is derived or managed by a service.
EDITABLE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "nationality",
    "id_type",
    "id_number",
    "phone",
    "phone2",
    "address",
    "registration",
    "origin_place",
    "marital_status",
    "education",
    "employment",
    "disability",
    "health_notes",
    "living_situation",
    "notes",
)
REVEALABLE_FIELDS = ("id_number", "phone", "phone2", "address", "health_notes")
# Audit snapshots leave out derived columns: they repeat the name and would only add noise.
SNAPSHOT_FIELDS = [
    f.name
    for f in Person._meta.concrete_fields
    if f.name not in DERIVED_FIELDS and f.name not in ("updated_at",)
]
CHOICE_FIELDS = {
    "gender": choices.Gender,
    "id_type": choices.IdType,
    "registration": choices.Registration,
    "marital_status": choices.MaritalStatus,
    "education": choices.Education,
    "employment": choices.Employment,
    "disability": choices.Disability,
    "living_situation": choices.LivingSituation,
}
# Django rebuilds enum.values on every access; an import checks these for every row.
CHOICE_VALUES = {name: frozenset(enum.values) for name, enum in CHOICE_FIELDS.items()}
MAX_LENGTHS = {
    "name": 50,
    "ethnicity": 20,
    "nationality": 40,
    "origin_place": 100,
    "address": 200,
    "id_number": 40,
}


def snapshot(person: Person) -> dict:
    return audit.snapshot(person, SNAPSHOT_FIELDS)


def placeable_units(user):
    """Units the actor may file a person with: communities and grids in her own subtree."""
    if user is None:
        return OrgUnit.objects.filter(kind__in=PERSON_UNIT_KINDS)
    home_path = getattr(user, "home_path", "")
    if not home_path:
        return OrgUnit.objects.none()
    return OrgUnit.objects.restrict(user, "view").filter(
        path__subtree=home_path, kind__in=PERSON_UNIT_KINDS, is_active=True
    )


def _require(user, perm: str) -> None:
    if user is not None and not user.has_perm(perm):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _scoped_persons(user, action: str):
    if user is None:
        return Person.objects.all()
    return Person.objects.restrict(user, action)


def _check_unit(user, org: OrgUnit | None, errors: dict) -> OrgUnit | None:
    if org is None:
        errors["org"] = _("请选择所属单位（社区或网格）。")
        return None
    unit = placeable_units(user).filter(pk=org.pk).first()
    if unit is None:
        if org.kind not in PERSON_UNIT_KINDS:
            errors["org"] = _("人员档案须归属到社区（村）妇联或网格。")
        else:
            errors["org"] = _("所选单位不存在或不在您的管辖范围内。")
    return unit


# --- validation ------------------------------------------------------------------------


def _text(value) -> str:
    return str(value or "").strip()


def clean_person_values(values: dict, *, today: date | None = None) -> dict:
    """Normalise and check typed values; raise ValidationError keyed by field (Chinese)."""
    today = today or timezone.localdate()
    data = dict(values)
    errors: dict[str, str] = {}
    for name in EDITABLE_FIELDS:
        if name in data and name != "birth_date":
            data[name] = _text(data[name])
    if "name" in data and not data["name"]:
        errors["name"] = _("请填写姓名。")
    for name, max_length in MAX_LENGTHS.items():
        if len(data.get(name) or "") > max_length:
            errors[name] = _("不能超过 %(n)d 个字符。") % {"n": max_length}
    for name, values in CHOICE_VALUES.items():
        if name in data and data[name] not in values:
            if name == "gender" and not data[name]:
                data[name] = choices.Gender.UNKNOWN
                continue
            errors[name] = _("请选择有效的选项。")

    birth = data.get("birth_date")
    if birth is not None:
        if birth > today:
            errors["birth_date"] = _("出生日期不能晚于今天。")
        elif birth.year < 1900:
            errors["birth_date"] = _("出生日期不合理，请核对。")

    id_type = data.get("id_type", choices.IdType.RESIDENT)
    number = (data.get("id_number") or "").replace(" ", "").upper()
    if "id_number" in data:
        data["id_number"] = number
    if number and "id_number" not in errors:
        if id_type == choices.IdType.RESIDENT:
            try:
                parsed = parse_resident_id(number, today=today)
            except ValidationError as exc:
                errors["id_number"] = exc.messages[0]
            else:
                data["id_number"] = parsed.number
                gender = data.get("gender")
                if gender == choices.Gender.UNKNOWN:
                    gender = None
                if birth is not None and birth != parsed.birth_date:
                    errors.setdefault(
                        "birth_date",
                        cross_check_resident_id(parsed, birth_date=birth, gender=None)[0],
                    )
                elif birth is None:
                    data["birth_date"] = parsed.birth_date
                if gender and gender != parsed.gender:
                    errors.setdefault(
                        "gender", cross_check_resident_id(parsed, birth_date=None, gender=gender)[0]
                    )
                elif not gender:
                    data["gender"] = parsed.gender
        elif id_type == choices.IdType.NONE:
            errors["id_number"] = _("证件类型为“无证件”时不能填写证件号码。")
        elif not (3 <= len(number) <= 40) or not all(c.isalnum() or c in "-()" for c in number):
            errors["id_number"] = _("证件号码格式不正确：只能包含字母、数字和连字符，3 至 40 位。")

    for name in ("phone", "phone2"):
        if data.get(name):
            try:
                data[name] = validate_phone(data[name])
            except ValidationError as exc:
                errors[name] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return data


def unknown_area_error(data: dict) -> ValidationError | None:
    """For cleaned values: a resident ID whose area code is no division, current or abolished.

    Not a refusal: an old number may carry a code the tables missed, so the user confirms."""
    number = data.get("id_number") or ""
    if not number or data.get("id_type", choices.IdType.RESIDENT) != choices.IdType.RESIDENT:
        return None
    area = number[:6]
    if area_is_known(area):
        return None
    return ValidationError(
        unknown_area_message(area) + _("请核对号码；确认无误后确认保存。"),
        code="unknown_area",
        params={"area": area},
    )


def unknown_area_of(exc: ValidationError) -> str | None:
    """The area code of an unknown-area warning in ``exc``, for the form to ask about."""
    for error in getattr(exc, "error_dict", {}).get("id_number", []):
        if error.code == "unknown_area":
            return error.params["area"]
    return None


@dataclass
class DuplicateId:
    pk: int
    is_active: bool


def find_id_duplicate(*, id_type: str, id_number: str, exclude_pk=None) -> DuplicateId | None:
    """The record that already holds this ID (any scope: the unique index spans them all)."""
    if not id_number:
        return None
    qs = Person.objects.filter(
        id_number_index=id_number_index(id_type, id_number), merged_into__isnull=True
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    row = qs.values("pk", "is_active").first()
    return DuplicateId(row["pk"], row["is_active"]) if row else None


def duplicate_id_error(dup: DuplicateId) -> ValidationError:
    if dup.is_active:
        message = _("证件号码与已有的档案 #%(pk)d 相同，不能重复建档。请打开该档案核对。")
    else:
        message = _("证件号码与已停用的档案 #%(pk)d 相同，不能重复建档。请联系管理该档案的单位。")
    return ValidationError(
        {"id_number": ValidationError(message, code="duplicate_id", params={"pk": dup.pk})}
    )


def duplicate_pk(exc: ValidationError) -> int | None:
    """The existing record's number from a duplicate-ID error, for a link in the form."""
    for error in getattr(exc, "error_dict", {}).get("id_number", []):
        if error.code == "duplicate_id":
            return error.params["pk"]
    return None


# --- create / update / deactivate -----------------------------------------------------


def person_create(*, user, org: OrgUnit, confirm_unknown_area: bool = False, **values) -> Person:
    """File a new person with ``org``; ``values`` are the editable fields (see EDITABLE_FIELDS).

    A resident ID with an unknown area code is refused (code "unknown_area" on id_number)
    unless ``confirm_unknown_area``: the user has checked the number."""
    _require(user, "people.add_person")
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    values.setdefault("name", "")
    errors: dict = {}
    try:
        data = clean_person_values(values)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        data = values
    else:
        area_error = None if confirm_unknown_area else unknown_area_error(data)
        if area_error is not None:
            errors["id_number"] = area_error
    with transaction.atomic():
        unit = _check_unit(user, org, errors)
        if errors:
            raise ValidationError(errors)
        person = Person(org=unit, created_by=user if user is not None else None)
        for name, value in data.items():
            setattr(person, name, value)
        person_fill_derived(person)
        dup = find_id_duplicate(id_type=person.id_type, id_number=person.id_number)
        if dup is not None:
            raise duplicate_id_error(dup)
        try:
            with transaction.atomic():
                person.save(force_insert=True)
        except IntegrityError as exc:
            # Someone filed the same ID between our check and the insert.
            dup = find_id_duplicate(id_type=person.id_type, id_number=person.id_number)
            if dup is None:
                raise
            raise duplicate_id_error(dup) from exc
        person_refresh_sensitivity(person)
        audit.record_change(user, person, "create", after=snapshot(person))
    return person


def _locked(user, person: Person, action: str = "change") -> Person:
    locked = _scoped_persons(user, action).select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise OutOfScope(_("档案不存在或不在您的管辖范围内。"))
    return locked


def stale_message() -> str:
    return _(
        "保存失败：在您编辑期间，其他人已修改了这份档案。您填写的内容仍保留在下面，"
        "请刷新页面查看最新内容后重新修改。"
    )


def _write_version(person: Person, expected_version: int, fields: list[str]) -> None:
    """UPDATE … WHERE version = expected: a second writer with a stale form loses cleanly."""
    now = timezone.now()
    values = {name: getattr(person, Person._meta.get_field(name).attname) for name in fields}
    if "org" in fields:
        values["org_path"] = person.org.path
        values["org_id"] = values.pop("org")
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_at=now
    )
    if updated != 1:
        raise StaleVersion(stale_message())
    person.version = expected_version + 1
    person.updated_at = now
    if "org" in fields:
        person.org_path = person.org.path


def person_update(
    *,
    user,
    person: Person,
    expected_version: int | None,
    org: OrgUnit | None = None,
    confirm_unknown_area: bool = False,
    **values,
) -> Person:
    """Change a person's typed fields (only those given) and optionally her unit.

    ``expected_version`` is the version the worker read (None: not checked); a stale one
    raises StaleVersion. A changed resident ID is checked for an unknown area code as in
    person_create."""
    _require(user, "people.change_person")
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked(user, person)
        if not current.is_active:
            raise ValidationError(_("该档案已停用或已合并，不能修改。"), code="inactive")
        check_version(current, expected_version, message=stale_message())
        merged = {name: getattr(current, name) for name in EDITABLE_FIELDS}
        merged.update(values)
        # Derive birth date and gender again only when the worker cleared them.
        errors: dict = {}
        try:
            data = clean_person_values(merged)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            data = merged
        else:
            # A record filed before this check keeps its number without a new question.
            id_changed = (data["id_type"], data["id_number"]) != (
                current.id_type,
                current.id_number,
            )
            area_error = unknown_area_error(data) if id_changed else None
            if area_error is not None and not confirm_unknown_area:
                errors["id_number"] = area_error
        unit = current.org
        if org is not None and org.pk != current.org_id:
            unit = _check_unit(user, org, errors)
        if errors:
            raise ValidationError(errors)
        before = snapshot(current)
        changed = [n for n in EDITABLE_FIELDS if data[n] != getattr(current, n)]
        for name in changed:
            setattr(current, name, data[name])
        if unit.pk != current.org_id:
            current.org = unit
            changed.append("org")
        if not changed:
            return current
        person_fill_derived(current)
        dup = find_id_duplicate(
            id_type=current.id_type, id_number=current.id_number, exclude_pk=current.pk
        )
        if dup is not None:
            raise duplicate_id_error(dup)
        try:
            with transaction.atomic():
                _write_version(current, current.version, [*changed, *DERIVED_FIELDS])
        except IntegrityError as exc:
            dup = find_id_duplicate(
                id_type=current.id_type, id_number=current.id_number, exclude_pk=current.pk
            )
            if dup is None:
                raise
            raise duplicate_id_error(dup) from exc
        if "org" in changed:
            _move_dependants(current)
        person_refresh_sensitivity(current)
        audit.record_change(user, current, "update", before=before, after=snapshot(current))
    return current


def _move_dependants(person: Person) -> None:
    """A person's tags, visits, consents and contacts take her unit."""
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if not rel.one_to_many or model is Person:
            continue
        if any(f.name == "org_path" for f in model._meta.concrete_fields):
            model.objects.filter(**{rel.field.name: person}).update(
                org=person.org, org_path=person.org.path
            )


def person_deactivate(*, user, person: Person, reason: str = "") -> Person:
    """Close a record (moved away, died, entered by mistake); it stays for the audit trail."""
    _require(user, "people.change_person")
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("请填写停用原因。")})
    with transaction.atomic():
        current = _locked(user, person)
        if not current.is_active:
            raise ValidationError(_("该档案已经停用。"), code="inactive")
        before = snapshot(current)
        current.is_active = False
        _write_version(current, current.version, ["is_active"])
        audit.record_change(
            user, current, "deactivate", before=before, after=snapshot(current), reason=reason[:200]
        )
    return current


def person_reactivate(*, user, person: Person) -> Person:
    _require(user, "people.change_person")
    with transaction.atomic():
        current = _locked(user, person)
        if current.is_active:
            return current
        if current.merged_into_id:
            raise ValidationError(_("已合并的档案不能直接启用，请撤销合并。"), code="merged")
        dup = find_id_duplicate(
            id_type=current.id_type, id_number=current.id_number, exclude_pk=current.pk
        )
        if dup is not None:
            raise duplicate_id_error(dup)
        before = snapshot(current)
        current.is_active = True
        _write_version(current, current.version, ["is_active"])
        audit.record_change(user, current, "activate", before=before, after=snapshot(current))
    return current


# --- reveal ---------------------------------------------------------------------------


def person_reveal(*, user, person: Person, field: str, reason: str) -> str:
    """The full value of one protected field, after logging who asked and why."""
    if field not in REVEALABLE_FIELDS:
        raise ValueError(f"{field!r} cannot be revealed")
    if not user.has_perm("core.reveal_pii"):
        raise PermissionDenied(_("您没有查看完整个人信息的权限。"))
    with transaction.atomic():
        current = _scoped_persons(user, "view").filter(pk=person.pk).first()
        if current is None:
            raise OutOfScope(_("档案不存在或不在您的管辖范围内。"))
        audit.log_reveal(user, current, field, reason)
    return getattr(current, field)
