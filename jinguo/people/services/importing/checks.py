"""Checking rows: each row becomes an unsaved Person and its tag types, with every problem
recorded as (row, column, masked value, reason); duplicates are looked for inside the file and
against the registry (``lookups``)."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import signals
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core.identity import unknown_area_message
from jinguo.core.masking import mask_address, mask_id_number, mask_name, mask_phone
from jinguo.orgs.importing.readers import cell_text
from jinguo.orgs.models import OrgUnit

from ... import choices
from ...models import FocusTagType, Person
from ..derived import person_fill_derived
from ..persons import clean_person_values, unknown_area_error
from .columns import (
    CHOICE_DEFAULTS,
    COLUMN_BY_KEY,
    COLUMNS,
    MAPPED_CHOICES,
    NOTES_MAX,
    TAG_SEPARATORS,
    choice_labels,
    choice_maps,
)
from .lookups import filed_id_numbers, same_pinyin_and_birth, units_by_code, visible_person_ids

ISSUES_KEPT = 20_000  # problems stored on the job; the count is always complete
MASKS = {
    "name": mask_name,
    "id_number": mask_id_number,
    "phone": mask_phone,
    "phone2": mask_phone,
    "address": mask_address,
}


@dataclass
class Issue:
    row: int
    column: str
    value: str
    message: str
    level: str = "error"

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "level": self.level,
        }


DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(value) -> date | None:
    """An Excel date, or text such as 2024-01-31, 2024/1/31, 20240131; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError
        number = int(value)
        if 10_000_000 <= number <= 99_999_999:
            text = str(number)
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if 1 <= number < 2_958_466:  # an Excel serial day number typed into a text cell
            return date(1899, 12, 30) + timedelta(days=number)
        raise ValueError
    text = str(value).strip()
    if re.fullmatch(r"\d{8}", text):
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    match = DATE_TEXT.match(text)
    if match:
        return date(*(int(g) for g in match.groups()))
    # "2024-01-31 00:00:00" from a text export of a date column.
    match = re.match(r"^(\d{4}-\d{1,2}-\d{1,2})[ T]\d{1,2}:\d{2}(:\d{2})?$", text)
    if match:
        return parse_date(match.group(1))
    raise ValueError


@dataclass
class _Row:
    line: int
    person: Person
    tag_types: list[FocusTagType]
    valid: bool = True


class RowChecker:
    """Checks rows batch by batch; looks units and duplicates up in a few queries per batch."""

    def __init__(self, user, *, today: date | None = None, confirm_unknown_area: bool = False):
        self.user = user
        self.confirm_unknown_area = confirm_unknown_area
        self.today = today or timezone.localdate()
        self.choice_maps = choice_maps()
        self.tag_types = {t.name: t for t in FocusTagType.objects.filter(is_active=True)}
        self.units: dict[str, OrgUnit | str] = {}  # code → unit, or the reason it is refused
        self.seen_ids: dict[str, int] = {}  # blind index → first row
        self.seen_people: dict[tuple[str, date], tuple[int, str]] = {}
        self.issues: list[Issue] = []
        self.errors = 0
        self.warnings = 0
        self.rows: list[_Row] = []
        self.total = 0
        fields = Person._meta.concrete_fields
        self.person_attnames = [f.attname for f in fields]
        self.person_defaults = {f.attname: f.get_default() for f in fields}
        self.org_field = Person._meta.get_field("org")
        self.plain_init = not (
            signals.pre_init.has_listeners(Person) or signals.post_init.has_listeners(Person)
        )
        # timezone.now() without reading the settings for every row.
        self.now_tz = UTC if settings.USE_TZ else None

    # Issues ---------------------------------------------------------------------------
    def add(self, row: int, key: str, raw, message: str, level: str = "error") -> None:
        if level == "error":
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.issues) < ISSUES_KEPT:
            column = COLUMN_BY_KEY[key].header if key in COLUMN_BY_KEY else key
            self.issues.append(Issue(row, column, masked(key, raw), message, level))

    # Batches --------------------------------------------------------------------------
    def check_batch(self, batch: list[tuple[int, dict]]) -> None:
        self._resolve_units({cell_text(raw.get("unit_code")) for _line, raw in batch})
        checked = [self._check_row(line, raw) for line, raw in batch]
        self._check_database(checked)
        if self.errors:
            self.rows.clear()  # nothing will be written: keep no plaintext in memory
        else:
            self.rows.extend(checked)

    def _resolve_units(self, codes: set[str]) -> None:
        codes = sorted(c for c in codes if c and c not in self.units)
        if not codes:
            return
        found, placeable, visible = units_by_code(self.user, codes)
        for code in codes:
            unit = found.get(code)
            if code in placeable:
                self.units[code] = unit
            elif unit is None or code not in visible:
                # Not there, or not hers: the same answer, so the file reveals nothing.
                self.units[code] = _(
                    "系统中没有代码为 %(code)s 的单位，或该单位不在您的管辖范围内。"
                ) % {"code": code}
            elif not unit.is_active:
                self.units[code] = _("单位 %(code)s 已停用。") % {"code": code}
            else:
                self.units[code] = _(
                    "人员档案须归属到社区（村）妇联或网格，%(code)s 是%(kind)s。"
                ) % {"code": code, "kind": unit.get_kind_display()}

    def _choice(self, line: int, key: str, raw, values: dict) -> None:
        text = cell_text(raw)
        if not text:
            if key in CHOICE_DEFAULTS:
                values[key] = CHOICE_DEFAULTS[key]
            return
        value = self.choice_maps[key].get(text.lower())
        if value is None:
            column = COLUMN_BY_KEY[key]
            self.add(
                line,
                key,
                raw,
                _("“%(text)s”不是有效的%(col)s，可填：%(allowed)s。")
                % {
                    "text": text[:20],
                    "col": column.header,
                    "allowed": "、".join(choice_labels(column.choices)),
                },
            )
            return
        values[key] = value

    def _check_row(self, line: int, raw: dict) -> _Row:
        errors_before = self.errors
        values: dict = {}
        for key in ("name", "ethnicity", "address", "origin_place", "notes"):
            values[key] = cell_text(raw.get(key))
        if not values["ethnicity"]:
            values["ethnicity"] = "汉族"
        if len(values["notes"]) > NOTES_MAX:
            self.add(line, "notes", "", _("不能超过 %(n)d 个字符。") % {"n": NOTES_MAX})
        for column in COLUMNS:
            if column.choices is not None:
                self._choice(line, column.key, raw.get(column.key), values)
        number = raw.get("id_number")
        if isinstance(number, int | float) and not isinstance(number, bool):
            # Excel keeps 15 significant digits: an 18-digit number typed as a number is lost.
            self.add(
                line,
                "id_number",
                number,
                _("证件号码被 Excel 存成了数字，末几位已丢失。请把该列设为“文本”格式后重新填写。"),
            )
            number = ""
        values["id_number"] = cell_text(number)
        if values["id_number"] and "id_type" not in values:
            values["id_type"] = choices.IdType.RESIDENT
        values.setdefault("id_type", choices.IdType.NONE)
        for key in ("phone", "phone2"):
            values[key] = cell_text(raw.get(key))
        try:
            values["birth_date"] = parse_date(raw.get("birth_date"))
        except (ValueError, TypeError, OverflowError):
            self.add(
                line,
                "birth_date",
                raw.get("birth_date"),
                _("出生日期无法识别，请填写如 1985-03-01、1985/3/1 或 19850301 的日期。"),
            )
            values["birth_date"] = None
        bad: set[str] = set()
        # These choices came through _choice_maps, so they are valid; clean_person_values
        # would check each against its enum again, which costs more than the rest of a row.
        mapped = {key: values.pop(key) for key in MAPPED_CHOICES if key in values}
        try:
            values = clean_person_values(values, today=self.today)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                bad.add(key)
                self.add(line, key, raw.get(key), messages[0])
        values.update(mapped)
        if "id_number" not in bad:
            self._check_area(line, values)
        if not cell_text(raw.get("gender")) and not values.get("id_number"):
            self.add(line, "gender", "", _("请填写性别（没有身份证号码时无法推算）。"))

        unit = None
        code = cell_text(raw.get("unit_code"))
        if not code:
            self.add(line, "unit_code", "", _("请填写所属单位代码（社区或网格的代码）。"))
        else:
            unit = self.units.get(code)
            if isinstance(unit, str):
                self.add(line, "unit_code", code, unit)
                unit = None
        tag_types = self._tags(line, raw.get("tags"))
        if bad & {"id_number", "id_type"}:
            values["id_number"] = ""
        if "birth_date" in bad:
            values["birth_date"] = None
        person = self._new_person(unit, values)
        person_fill_derived(person)
        # A row with errors still takes part in the duplicate checks, so they are listed too.
        return _Row(line, person, tag_types, valid=self.errors == errors_before)

    def _check_area(self, line: int, values: dict) -> None:
        """A resident ID whose area code is no division, current or abolished: an error the
        uploader lifts by confirming such numbers for the file, then a reminder per row."""
        area_error = unknown_area_error(values)
        if area_error is None:
            return
        if self.confirm_unknown_area:
            message = unknown_area_message(area_error.params["area"]) + _("上传时已确认号码无误。")
            self.add(line, "id_number", values["id_number"], message, level="warning")
        else:
            message = unknown_area_message(area_error.params["area"]) + _(
                "请核对号码；确认无误的，上传时勾选“我已核对无误，照常导入”。"
            )
            self.add(line, "id_number", values["id_number"], message)

    def _new_person(self, unit: OrgUnit | None, values: dict) -> Person:
        """Person(org=unit, created_by=user, **values), unsaved.

        Model.__init__ sets the 36 fields one by one (a tenth of a row with keywords, still a
        twentieth with positions); when no pre_init/post_init receiver would see it, the
        values go straight into the instance's __dict__, which is where __init__ puts them.
        """
        data = {
            **self.person_defaults,
            **values,
            "org_id": unit.pk if unit else None,
            "org_path": unit.path if unit else "",
            "created_by_id": self.user.pk,
            "created_at": datetime.now(tz=self.now_tz),
        }
        if self.plain_init:
            person = Person.__new__(Person)
            person._state = ModelState()
            person.__dict__.update({attname: data[attname] for attname in self.person_attnames})
        else:
            person = Person(*[data[attname] for attname in self.person_attnames])
        if unit is not None:
            self.org_field.set_cached_value(person, unit)
        return person

    def _tags(self, line: int, raw) -> list[FocusTagType]:
        found: dict[int, FocusTagType] = {}
        for name in TAG_SEPARATORS.split(cell_text(raw)):
            if not name:
                continue
            tag_type = self.tag_types.get(name)
            if tag_type is None:
                self.add(
                    line,
                    "tags",
                    raw,
                    _("“%(name)s”不是启用中的关注标签类型，可填：%(allowed)s。")
                    % {"name": name[:20], "allowed": "、".join(self.tag_types)},
                )
            else:
                found[tag_type.pk] = tag_type
        return list(found.values())

    def _check_database(self, rows: list[_Row]) -> None:
        """Duplicates inside the file so far, and against the records already filed."""
        for row in rows:
            p = row.person
            if p.id_number_index:
                first = self.seen_ids.setdefault(p.id_number_index, row.line)
                if first != row.line:
                    self.add(
                        row.line,
                        "id_number",
                        p.id_number,
                        _("与第 %(row)d 行的证件号码相同，同一人只能导入一次。") % {"row": first},
                    )
            if p.birth_date and p.name:
                key = (p.name, p.birth_date)
                first_line, first_index = self.seen_people.setdefault(
                    key, (row.line, p.id_number_index)
                )
                if first_line != row.line:
                    different_ids = first_index and p.id_number_index
                    self.add(
                        row.line,
                        "name",
                        p.name,
                        _("与第 %(row)d 行的姓名和出生日期相同，但证件号码不同，请确认不是同一人。")
                        % {"row": first_line}
                        if different_ids
                        else _("与第 %(row)d 行的姓名和出生日期相同，疑似重复行。")
                        % {"row": first_line},
                        level="warning" if different_ids else "error",
                    )
        by_index = {r.person.id_number_index: r for r in rows if r.person.id_number_index}
        taken = set()
        for index, pk, active in filed_id_numbers(list(by_index)):
            row = by_index[index]
            taken.add(row.line)
            message = (
                _("系统中已有该证件号码的档案 #%(pk)d，不能重复建档。")
                if active
                else _("该证件号码属于已停用的档案 #%(pk)d，不能重复建档。")
            )
            self.add(row.line, "id_number", row.person.id_number, message % {"pk": pk})
        self._likely_duplicates(
            [r for r in rows if r.line not in taken and r.person.birth_date and r.person.name]
        )

    def _likely_duplicates(self, rows: list[_Row]) -> None:
        """Same name pinyin and birth date as an active record: a warning, not an error."""
        by_pair: dict[tuple[str, date], list[_Row]] = {}
        for row in rows:
            by_pair.setdefault((row.person.name_pinyin, row.person.birth_date), []).append(row)
        matches: list[tuple[_Row, int]] = []
        for pk, pinyin, birth, index in same_pinyin_and_birth(list(by_pair)):
            for row in by_pair[(pinyin, birth)]:
                # Both carry an ID and they differ: two people, not a duplicate.
                if index and row.person.id_number_index:
                    continue
                matches.append((row, pk))
        if not matches:
            return
        visible = visible_person_ids(self.user, {pk for _row, pk in matches})
        for row, pk in matches:
            if pk in visible:
                message = _("疑似重复：已有档案 #%(pk)d 的姓名拼音和出生日期与此行相同。") % {
                    "pk": pk
                }
            else:
                message = _(
                    "疑似重复：系统中有姓名拼音和出生日期相同的档案（不在您的管辖范围内），"
                    "如为同一人请联系其所属单位。"
                )
            self.add(row.line, "name", row.person.name, message, level="warning")

    # Sensitivity ------------------------------------------------------------------------
    def is_sensitive(self, row: _Row, today: date) -> bool:
        """The rule of person_refresh_sensitivity: a minor, or an active sensitive tag.

        Today's date is passed in: Person.is_minor would look it up for every row.
        """
        return row.person.is_minor_on(today) or any(t.sensitive for t in row.tag_types)


def masked(key: str, raw) -> str:
    text = cell_text(raw) if not isinstance(raw, date | datetime) else str(raw)[:10]
    if not text:
        return ""
    if isinstance(raw, int | float) and key == "id_number":
        return "*" * 6  # a mangled number: nothing worth showing
    mask = MASKS.get(key)
    return mask(text) if mask else text[:50]
