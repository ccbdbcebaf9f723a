"""Excel import of persons (files exported from grid platforms), validated whole before writing.

Every row is checked with the same rules as the person form (``clean_person_values``,
``placeable_units``); every problem is collected as (row, column, masked value, reason). If
there is any error nothing is written. Otherwise all persons, their tags and their sensitivity
flags are inserted in one transaction, in batches, and one audit event records the import —
not one per row. Progress is committed after every batch of validated rows, so the job page
can show it while a background worker runs the import.
"""

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.masking import mask_address, mask_id_number, mask_name, mask_phone
from jinguo.core.models import AuditKind
from jinguo.orgs.importing import ImportFileError
from jinguo.orgs.importing.readers import MAX_ROWS, MAX_UPLOAD_BYTES, XLSX_MAGIC, cell_text
from jinguo.orgs.models import OrgUnit

from .. import choices
from ..models import FocusTagType, Person, PersonImport, PersonTag
from .bulk_insert import insert_rows
from .derived import person_fill_derived
from .persons import PERSON_UNIT_KINDS, clean_person_values, placeable_units
from .xlsx_stream import SheetReader, SheetReadError, rows_in_process

logger = logging.getLogger(__name__)

__all__ = ["MAX_ROWS", "MAX_UPLOAD_BYTES", "ImportFileError"]

BATCH_SIZE = 1000
LOOKUP_CHUNK = 200  # (pinyin, birth date) pairs per OR query: well inside SQLite's limits
ISSUES_KEPT = 20_000  # problems stored on the job; the count is always complete
NOTES_MAX = 2000
TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")
IMPORT_DIR = "imports"


@dataclass(frozen=True)
class Column:
    key: str  # Person field, or "unit_code" / "tags"
    header: str  # the file's header: a file format, so not translated
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: type | None = None


COLUMNS = [
    Column("name", "姓名", True, ("人员姓名",)),
    Column("gender", "性别", choices=choices.Gender),
    Column("birth_date", "出生日期", aliases=("出生年月日", "生日")),
    Column("ethnicity", "民族"),
    Column("id_type", "证件类型", choices=choices.IdType),
    Column("id_number", "证件号码", aliases=("身份证号", "身份证号码", "公民身份号码")),
    Column("phone", "手机号", aliases=("手机号码", "联系电话", "手机")),
    Column("phone2", "其他电话", aliases=("固定电话", "备用电话")),
    Column("address", "现住址", aliases=("现居住地址", "居住地址", "住址")),
    Column("registration", "户籍类型", choices=choices.Registration),
    Column("origin_place", "户籍地", aliases=("户籍地址", "来源地")),
    Column("marital_status", "婚姻状况", choices=choices.MaritalStatus),
    Column("education", "文化程度", aliases=("学历",), choices=choices.Education),
    Column("employment", "就业状况", choices=choices.Employment),
    Column("disability", "残疾情况", choices=choices.Disability),
    Column("living_situation", "居住状况", choices=choices.LivingSituation),
    Column("unit_code", "所属单位代码", True, ("单位代码", "社区代码", "网格代码")),
    Column("tags", "关注标签", aliases=("重点关注类型", "标签")),
    Column("notes", "备注"),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# Choice columns that clean_person_values only checks (gender and ID type it also uses).
MAPPED_CHOICES = tuple(c.key for c in COLUMNS if c.choices and c.key not in {"gender", "id_type"})
HEADERS = [c.header for c in COLUMNS]
FILE_COLUMN = "文件"

# Words grid platforms use for the same choices.
CHOICE_ALIASES = {
    "gender": {"女性": "F", "男性": "M", "f": "F", "m": "M"},
    "id_type": {"身份证": "resident", "二代身份证": "resident", "无": "none"},
    "registration": {"本地": "local", "户籍人口": "local", "流动": "floating", "外来": "floating"},
    "marital_status": {"初婚": "married", "再婚": "married", "离婚": "divorced"},
    "education": {
        "文盲": "none",
        "高中": "senior",
        "中专": "senior",
        "大学本科": "bachelor",
        "硕士": "postgraduate",
        "博士": "postgraduate",
    },
    "employment": {"就业": "employed", "灵活就业": "self", "无业": "not_working"},
    "disability": {"否": "none", "健全": "none"},
    "living_situation": {"与家人同住": "family", "空巢": "alone"},
}
# Choices an empty cell stands for.
CHOICE_DEFAULTS = {
    "gender": choices.Gender.UNKNOWN,
    "registration": choices.Registration.LOCAL,
    "marital_status": choices.MaritalStatus.UNKNOWN,
    "education": choices.Education.UNKNOWN,
    "employment": choices.Employment.UNKNOWN,
    "disability": choices.Disability.NONE,
    "living_situation": choices.LivingSituation.WITH_FAMILY,
}
MASKS = {
    "name": mask_name,
    "id_number": mask_id_number,
    "phone": mask_phone,
    "phone2": mask_phone,
    "address": mask_address,
}


def choice_labels(enum) -> list[str]:
    with translation.override("zh-hans"):
        return [str(label) for _value, label in enum.choices]


def _choice_maps() -> dict[str, dict[str, str]]:
    maps = {}
    for column in COLUMNS:
        if column.choices is None:
            continue
        with translation.override("zh-hans"):
            mapping = {str(label): value for value, label in column.choices.choices}
        mapping.update({value: value for value in column.choices.values})
        mapping.update(CHOICE_ALIASES.get(column.key, {}))
        # Rows are not re-checked against the choices (RowChecker._check_row): every word
        # must lead to a valid value.
        invalid = set(mapping.values()) - set(column.choices.values)
        if invalid:
            raise ImproperlyConfigured(f"{column.key}: aliases to unknown choices {invalid}")
        maps[column.key] = {k.lower(): v for k, v in mapping.items()}
    return maps


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


@dataclass
class Outcome:
    total: int = 0
    created: int = 0
    tags: int = 0
    errors: int = 0
    warnings: int = 0
    issues: list[Issue] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.errors == 0 and not self.message


# --- reading -----------------------------------------------------------------------------


def _normalise_header(value) -> str:
    return cell_text(value).lstrip("\ufeff").replace(" ", "").replace("*", "").replace("＊", "")


def header_positions(header) -> dict[str, int]:
    """Column key → position, from the first row; ImportFileError for unknown or missing ones."""
    lookup = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            lookup[name] = column.key
    positions: dict[str, int] = {}
    unknown = []
    for index, title in enumerate(header or ()):
        text = _normalise_header(title)
        if not text:
            continue
        key = lookup.get(text)
        if key is None:
            unknown.append(text)
        elif key not in positions:
            positions[key] = index
    if not positions:
        raise ImportFileError(
            _("第一行不是导入模板的表头。请下载导入模板，按模板的列填写。"), line=1
        )
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("缺少必填列：%(cols)s") % {"cols": "、".join(missing)})
        if unknown:
            parts.append(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown[:10])})
        raise ImportFileError(
            _("表头有误（%(detail)s）。可用的列为：%(all)s。")
            % {"detail": "；".join(parts), "all": "、".join(HEADERS)},
            line=1,
        )
    return positions


def open_workbook(path: Path):
    from openpyxl import load_workbook

    with open(path, "rb") as handle:
        if handle.read(4) != XLSX_MAGIC:
            raise ImportFileError(_("这不是有效的 xlsx 文件，请用 Excel 另存为 .xlsx 格式。"))
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("无法读取 Excel 文件，请确认文件未损坏且为 .xlsx 格式。")) from exc


def inspect_file(path: Path) -> int | None:
    """Quick checks before a job is created: readable, right header, not too many rows.

    Returns the number of data rows the sheet declares (None if the file does not say).
    """
    if path.stat().st_size == 0:
        raise ImportFileError(_("文件是空的。"))
    workbook = open_workbook(path)
    try:
        sheet = workbook.worksheets[0]
        header = next(sheet.iter_rows(max_row=1, values_only=True), None)
        if header is None or not any(v not in (None, "") for v in header):
            raise ImportFileError(_("文件是空的：第一个工作表没有表头和数据。"), line=1)
        header_positions(header)
        declared = sheet.max_row if sheet.max_row and sheet.max_row > 1 else None
        if declared is not None and declared - 1 > MAX_ROWS:
            raise ImportFileError(
                _("文件超过 %(n)s 行的上限，请分批导入。") % {"n": f"{MAX_ROWS:,}"}
            )
        return declared - 1 if declared else None
    finally:
        workbook.close()


# From this size on (about 2,000 rows) the sheet is parsed by a helper process while the rows
# already read are checked; below it, starting the process costs more than it saves.
READ_IN_PROCESS_BYTES = 256 * 1024


# Parts of an xlsx file (SpreadsheetML) that the fast reader looks at.
def check_xlsx_magic(path: Path) -> None:
    with open(path, "rb") as handle:
        if handle.read(4) != XLSX_MAGIC:
            raise ImportFileError(_("这不是有效的 xlsx 文件，请用 Excel 另存为 .xlsx 格式。"))


def open_sheet(path: Path) -> SheetReader:
    check_xlsx_magic(path)
    try:
        return SheetReader(path)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("无法读取 Excel 文件，请确认文件未损坏且为 .xlsx 格式。")) from exc


def _sheet_rows(path: Path, in_process: bool | None) -> Iterator[tuple[int, list]]:
    """The sheet's rows, read here or, for a large file, by a helper process."""
    if in_process is None:
        in_process = path.stat().st_size >= READ_IN_PROCESS_BYTES
    if not in_process:
        sheet = open_sheet(path)
        try:
            yield from sheet.rows()
        finally:
            sheet.close()
        return
    check_xlsx_magic(path)
    try:
        yield from rows_in_process(path)
    except SheetReadError as exc:
        logger.warning("import: the sheet could not be read: %s", exc)
        raise ImportFileError(_("无法读取 Excel 文件，请确认文件未损坏且为 .xlsx 格式。")) from exc


def iter_rows(
    path: Path, *, in_process: bool | None = None
) -> Iterator[tuple[int, dict[str, object]]]:
    """(Excel row number, {column key: raw cell}) for each non-empty data row.

    ``in_process``: parse the sheet in a helper process (default: for files of
    READ_IN_PROCESS_BYTES and more), so that reading overlaps checking and writing."""
    lines = _sheet_rows(path, in_process)
    try:
        first = next(lines, None)
        if first is None:
            raise ImportFileError(_("文件是空的。"), line=1)
        number, header = first
        positions = header_positions(header if number == 1 else ())
        keys, indexes = list(positions), list(positions.values())
        width = max(indexes) + 1
        pick = itemgetter(*indexes)  # two columns at least: name and unit code are required
        count = 0
        for number, values in lines:
            if len(values) >= width:
                raw = dict(zip(keys, pick(values), strict=True))
            else:  # a short row of a sheet without a declared size
                raw = {key: values[i] if i < len(values) else None for key, i in positions.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                raise ImportFileError(
                    _("文件超过 %(n)s 行的上限，请分批导入。") % {"n": f"{MAX_ROWS:,}"}
                )
            yield number, raw
    finally:
        lines.close()


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


# --- validating --------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    person: Person
    tag_types: list[FocusTagType]
    valid: bool = True


class RowChecker:
    """Checks rows batch by batch; looks units and duplicates up in a few queries per batch."""

    def __init__(self, user, *, today: date | None = None):
        self.user = user
        self.today = today or timezone.localdate()
        self.choice_maps = _choice_maps()
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
        found = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
        placeable = set(
            placeable_units(self.user).filter(code__in=codes).values_list("code", flat=True)
        )
        visible = set(
            OrgUnit.objects.restrict(self.user, "view")
            .filter(code__in=codes, path__subtree=self.user.home_path)
            .values_list("code", flat=True)
        )
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
        keys = list(by_index)
        taken = set()
        for i in range(0, len(keys), LOOKUP_CHUNK * 2):
            chunk = keys[i : i + LOOKUP_CHUNK * 2]
            for index, pk, active in Person.objects.filter(
                id_number_index__in=chunk, merged_into__isnull=True
            ).values_list("id_number_index", "pk", "is_active"):
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
        pairs = list(by_pair)
        matches: list[tuple[_Row, int]] = []
        for i in range(0, len(pairs), LOOKUP_CHUNK):
            found = Person.objects.filter(
                _any_pair(pairs[i : i + LOOKUP_CHUNK]), is_active=True, merged_into__isnull=True
            ).values_list("pk", "name_pinyin", "birth_date", "id_number_index")
            for pk, pinyin, birth, index in found:
                for row in by_pair[(pinyin, birth)]:
                    # Both carry an ID and they differ: two people, not a duplicate.
                    if index and row.person.id_number_index:
                        continue
                    matches.append((row, pk))
        if not matches:
            return
        visible = set(
            Person.objects.restrict(self.user, "view")
            .filter(pk__in={pk for _row, pk in matches})
            .values_list("pk", flat=True)
        )
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


def _any_pair(pairs: list[tuple[str, date]]) -> RawSQL:
    """(name_pinyin = … AND birth_date = …) OR …, as Q objects would give it.

    Each pair is one probe of people_person_dup. Built as text because combining and
    compiling 200 Q objects per look-up cost more than running the query.
    """
    quote = connection.ops.quote_name
    one = f"({quote('name_pinyin')} = %s AND {quote('birth_date')} = %s)"
    adapt = connection.ops.adapt_datefield_value
    params = [value for pinyin, birth in pairs for value in (pinyin, adapt(birth))]
    condition = " OR ".join([one] * len(pairs))
    return RawSQL(condition, params, output_field=models.BooleanField())  # noqa: S611 - values are params


def masked(key: str, raw) -> str:
    text = cell_text(raw) if not isinstance(raw, date | datetime) else str(raw)[:10]
    if not text:
        return ""
    if isinstance(raw, int | float) and key == "id_number":
        return "*" * 6  # a mangled number: nothing worth showing
    mask = MASKS.get(key)
    return mask(text) if mask else text[:50]


# --- running a job -----------------------------------------------------------------------


def stored_file(job: PersonImport) -> Path:
    return Path(settings.MEDIA_ROOT) / job.stored_path


def _progress(job: PersonImport, processed: int, total: int) -> None:
    PersonImport.objects.filter(pk=job.pk).update(
        processed_rows=processed, total_rows=max(total, processed)
    )


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in rows:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def validate_file(user, path: Path, *, job: PersonImport | None = None) -> RowChecker:
    checker = RowChecker(user)
    processed = 0
    total = job.total_rows if job else 0
    for batch in _batches(iter_rows(path), BATCH_SIZE):
        checker.check_batch(batch)
        processed += len(batch)
        if job is not None:
            _progress(job, processed, total)
    checker.total = processed
    return checker


def _write(user, checker: RowChecker, job: PersonImport | None, file_name: str) -> tuple[int, int]:
    """Insert persons and tags in one transaction; one audit event. Returns (persons, tags)."""
    today = checker.today
    rows = checker.rows
    now_today = timezone.localdate()
    for row in rows:
        row.person.is_sensitive = checker.is_sensitive(row, now_today)
    with transaction.atomic():
        persons = [r.person for r in rows]
        for person, pk in zip(persons, insert_rows(Person, persons, returning=True), strict=True):
            person.pk = pk
        reason = _("批量导入")
        tags = [
            {
                "person_id": row.person.pk,
                "tag_type_id": tag_type.pk,
                "org_id": row.person.org_id,
                "org_path": row.person.org_path,
                "since": today,
                "reason": reason,
                "responsible_id": user.pk,
                "review_days": tag_type.review_days,
                "next_review_on": today + timedelta(days=tag_type.review_days),
                "is_sensitive": row.person.is_sensitive,
            }
            for row in rows
            for tag_type in row.tag_types
        ]
        insert_rows(PersonTag, tags)
        units = sorted({r.person.org.code for r in rows})
        if job is not None:
            job.status = choices.ImportStatus.DONE
            job.created_count = len(rows)
            job.processed_rows = job.total_rows = checker.total
            job.errors = [i.as_dict() for i in checker.issues]
            job.finished_at = timezone.now()
            job.message = ""
            job.save(
                update_fields=[
                    "status",
                    "created_count",
                    "processed_rows",
                    "total_rows",
                    "errors",
                    "finished_at",
                    "message",
                ]
            )
        # Last write of the transaction: it holds the audit chain lock until commit.
        audit.write_event(
            kind=AuditKind.CHANGE,
            action="import",
            user=user,
            obj=job,
            object_type="people.person",
            detail={
                "file": file_name,
                "rows": checker.total,
                "created": len(rows),
                "tags": len(tags),
                "sensitive": sum(1 for r in rows if r.person.is_sensitive),
                "warnings": checker.warnings,
                "units": units[:50],
            },
        )
    return len(rows), len(tags)


SQLITE_IMPORT_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def _page_cache():
    """A large SQLite page cache for the import's connection, restored afterwards.

    With the default 2 MB cache, inserting into the dozen indexes of a large person table (and
    the duplicate look-ups) keeps re-reading index pages from disk.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def import_persons(user, path: Path, *, file_name: str, job: PersonImport | None = None) -> Outcome:
    """Validate the whole file; write nothing if any row is wrong, else everything at once."""
    with _page_cache():
        return _import_persons(user, path, file_name=file_name, job=job)


def _import_persons(user, path: Path, *, file_name: str, job: PersonImport | None) -> Outcome:
    outcome = Outcome()
    try:
        checker = validate_file(user, path, job=job)
    except ImportFileError as exc:
        outcome.message = exc.message
        outcome.issues = [Issue(exc.line, FILE_COLUMN, "", exc.message)]
        outcome.errors = 1
        return outcome
    outcome.total = checker.total
    outcome.errors, outcome.warnings = checker.errors, checker.warnings
    outcome.issues = checker.issues
    if checker.errors:
        return outcome
    if not checker.total:
        outcome.message = _("文件中没有数据行：表头下面是空的。")
        outcome.issues = [Issue(2, FILE_COLUMN, "", outcome.message)]
        outcome.errors = 1
        return outcome
    try:
        outcome.created, outcome.tags = _write(user, checker, job, file_name)
    except IntegrityError:
        # Someone filed one of these ID numbers between validation and writing.
        outcome.message = _("导入时发现有证件号码已被他人同时登记，未导入任何数据，请重新上传。")
        outcome.issues = [Issue(0, FILE_COLUMN, "", outcome.message)]
        outcome.errors = 1
    return outcome


def person_import_run(*, import_id: int) -> PersonImport | None:
    """Run one queued job (from the task worker or inline); a job runs at most once."""
    claimed = PersonImport.objects.filter(pk=import_id, status=choices.ImportStatus.PENDING).update(
        status=choices.ImportStatus.RUNNING, processed_rows=0
    )
    job = PersonImport.objects.select_related("user").filter(pk=import_id).first()
    if not claimed or job is None:
        return job
    path = stored_file(job)
    try:
        outcome = import_persons(job.user, path, file_name=job.file_name, job=job)
        if not outcome.ok:
            job.status = choices.ImportStatus.FAILED
            job.created_count = 0
            job.total_rows = max(outcome.total, job.processed_rows)
            job.errors = [i.as_dict() for i in outcome.issues]
            job.message = outcome.message or _("发现 %(n)s 处错误，未导入任何数据。") % {
                "n": f"{outcome.errors:,}"
            }
            job.finished_at = timezone.now()
            job.save(
                update_fields=[
                    "status",
                    "created_count",
                    "total_rows",
                    "errors",
                    "message",
                    "finished_at",
                ]
            )
    except Exception:
        logger.exception("person import %s failed", import_id)
        PersonImport.objects.filter(pk=import_id).update(
            status=choices.ImportStatus.ERROR,
            message=_("系统错误，未导入任何数据。请稍后重试或联系管理员。"),
            finished_at=timezone.now(),
        )
    finally:
        path.unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def issue_counts(job: PersonImport) -> tuple[int, int]:
    errors = sum(1 for i in job.errors if i.get("level") == "error")
    return errors, len(job.errors) - errors


def unit_kinds_label() -> str:
    with translation.override("zh-hans"):
        return "、".join(str(k.label) for k in PERSON_UNIT_KINDS)
