"""Importing places from an Excel sheet, and the template to fill in.

One row per place: 单位代码, 类型, 名称, 地址, 开放时间, 联系电话, 纬度, 经度, 对外公开, 志愿者.
The sheet is read within the limits of ``jinguo.core.xlsxcheck`` (as every upload is); every
row is checked by the same rules as the form, every bad row is reported (row, reason), and one
bad row means nothing is imported."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.exports import rows_to_workbook
from jinguo.core.xlsxcheck import XLSX_MAGIC, Limits, XlsxRefused
from jinguo.core.xlsxread import SheetReader
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit

from .models import Place, PlaceKind
from .services import _clean, _require, place_create

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
COLUMNS = [
    "单位代码",
    "类型",
    "名称",
    "地址",
    "开放时间",
    "联系电话",
    "纬度",
    "经度",
    "对外公开",
    "志愿者",
]
KEYS = {
    "单位代码": "org",
    "类型": "kind",
    "名称": "name",
    "地址": "address",
    "开放时间": "opening_hours",
    "联系电话": "phone",
    "纬度": "latitude",
    "经度": "longitude",
    "对外公开": "is_public",
    "志愿者": "volunteers",
}
REQUIRED = ("单位代码", "类型", "名称")
YES = {"是", "公开", "y", "yes", "true", "1"}
NO = {"", "否", "不公开", "n", "no", "false", "0"}
LABELS = {
    "org": "单位代码",
    "kind": "类型",
    "name": "名称",
    "address": "地址",
    "opening_hours": "开放时间",
    "phone": "联系电话",
    "latitude": "纬度",
    "longitude": "经度",
    "is_public": "对外公开",
    "volunteers": "志愿者",
    "staff": "工作人员",
    "shelter": "对应庇护场所",
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _normalise(header) -> str:
    return _text(header).lstrip("\ufeff").replace(" ", "").replace("*", "")


def parse_rows(user, rows) -> tuple[list[dict], list[str]]:
    """Checked rows (keyword arguments of place_create) and every error, from (line, values)
    rows whose first is the header."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return [], [_("工作表是空的。请使用下载的导入模板。")]
    _line, header = first
    positions = {}
    for index, title in enumerate(header):
        key = KEYS.get(_normalise(title))
        if key is not None and key not in positions:
            positions[key] = index
    missing = [c for c in REQUIRED if KEYS[c] not in positions]
    if missing:
        return [], [
            _("第一行表头缺少列：%(cols)s。请使用下载的导入模板（%(all)s）。")
            % {"cols": "、".join(missing), "all": "、".join(COLUMNS)}
        ]
    raw_rows = []
    for line, values in rows:
        raw = {}
        for key, index in positions.items():
            raw[key] = _text(values[index]) if index < len(values) else ""
        if any(raw.values()):
            raw_rows.append((line, raw))
        if len(raw_rows) > MAX_ROWS:
            return [], [_("一次最多导入 %(n)d 行，请分成几个文件。") % {"n": MAX_ROWS}]
    codes = {raw.get("org", "") for _line, raw in raw_rows}
    units = {
        u.code: u
        for u in OrgUnit.objects.restrict(user, "view").filter(code__in=codes, is_active=True)
    }
    kinds = {}
    for k in PlaceKind.objects.filter(is_active=True):
        kinds[k.name] = kinds[k.code] = k
        for part in k.name.split("/"):
            kinds.setdefault(part, k)
    good, errors, seen = [], [], {}
    for line, raw in raw_rows:
        problems = []
        unit = units.get(raw.get("org", ""))
        if unit is None:
            problems.append(
                _("单位代码“%(v)s”不存在或不在您的管辖范围内") % {"v": raw.get("org", "")[:40]}
            )
        kind = kinds.get(raw.get("kind", ""))
        if kind is None:
            problems.append(_("类型“%(v)s”不是启用中的阵地类型") % {"v": raw.get("kind", "")[:40]})
        public = raw.get("is_public", "").lower()
        if public not in YES | NO:
            problems.append(_("对外公开应填“是”或“否”"))
        data = {
            "org": unit,
            "kind": kind,
            "name": raw.get("name", ""),
            "address": raw.get("address", ""),
            "opening_hours": raw.get("opening_hours", ""),
            "phone": raw.get("phone", ""),
            "latitude": raw.get("latitude") or None,
            "longitude": raw.get("longitude") or None,
            "is_public": public in YES,
            "volunteers": raw.get("volunteers", "").replace("、", "\n"),
            "staff": (),
        }
        field_errors: dict = {}
        if unit is not None and kind is not None:
            _clean(user, field_errors, data, creating=True)
        problems += [
            f"{LABELS.get(k, k)}：{v}" for k, v in field_errors.items() if k not in ("org", "kind")
        ]
        key = (raw.get("org"), kind.pk if kind else None, data["name"].strip())
        if key in seen:
            problems.append(_("与第 %(line)d 行重复（同一单位、类型和名称）") % {"line": seen[key]})
        seen.setdefault(key, line)
        if unit is not None and kind is not None and data["name"].strip():
            exists = Place.objects.filter(org=unit, kind=kind, name=data["name"].strip()).exists()
            if exists:
                problems.append(_("该单位已有同类型、同名称的阵地"))
        if problems:
            errors.append(_("第 %(line)d 行：%(p)s。") % {"line": line, "p": "；".join(problems)})
        else:
            good.append(data)
    if not good and not errors:
        errors.append(_("工作表中没有阵地。"))
    return good, errors


def place_import(*, user, data: bytes, filename: str) -> int:
    """Import every row or none; ValidationError listing every problem otherwise."""
    _require(user, "places.import_place")
    _require(user, "places.add_place")
    name = (filename or "").lower()
    if not name.endswith(".xlsx"):
        raise ValidationError({"file": _("只支持 .xlsx 文件（.xls 请用 Excel 另存为 .xlsx）。")})
    if not data:
        raise ValidationError({"file": _("文件是空的。")})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("文件不能超过 5 MB。")})
    if not data.startswith(XLSX_MAGIC):
        raise ValidationError({"file": _("这不是有效的 xlsx 文件，请用 Excel 另存为 .xlsx 格式。")})
    try:
        sheet = SheetReader(data, Limits(rows=MAX_ROWS + 50, columns=64))
        try:
            rows, errors = parse_rows(user, sheet.rows())
        finally:
            sheet.close()
    except XlsxRefused as exc:
        raise ValidationError({"file": exc.message}) from exc
    if errors:
        raise ValidationError({"file": [_("文件有错误，未导入任何阵地："), *errors]})
    with transaction.atomic():
        for row in rows:
            place_create(user=user, **row)
        audit.record_access(user, action="import", object_type="places.place", rows=len(rows))
    return len(rows)


def example_unit(user):
    """A village or community of hers for the template's example row (or her own unit)."""
    units = OrgUnit.objects.restrict(user, "view").filter(is_active=True)
    return (
        units.filter(kind=UnitKind.COMMUNITY).order_by("path").first()
        or units.order_by("path").first()
    )


def template_workbook(user) -> bytes:
    unit = example_unit(user)
    kind = PlaceKind.objects.filter(is_active=True, confidential=False).order_by("order").first()
    rows = [
        [
            unit.code if unit else "",
            kind.name if kind else "",
            _("示例妇女之家（请改写或删除本行）"),
            _("示范路 1 号"),
            _("周一至周五 9:00-17:00"),
            "0512-12345678",
            "",
            "",
            "是",
            _("王芳、李丽"),
        ]
    ]
    content, _count = rows_to_workbook(COLUMNS, rows, _("服务阵地"))
    return content
