"""Loading an instrument's items from an Excel sheet, and the template to fill in.

One row per question: 序号, 问题, 提示, 回答方式, 分值, 强制等级. The sheet is read within the
limits of ``jinguo.core.xlsxcheck`` (as every upload is); every bad row is reported, in
Chinese, and one bad row means nothing is imported. The header, bands and name come from the
form beside the upload, so the template downloaded from the page imports as it is.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jinguo.core.exports import rows_to_workbook
from jinguo.core.xlsxcheck import XLSX_MAGIC, Limits, XlsxRefused
from jinguo.core.xlsxread import SheetReader

from ..choices import AnswerType, RiskLevel
from ..models import Instrument
from .risk_instruments import (
    ITEMS_MAX,
    InstrumentSpec,
    ItemSpec,
    decimal_or_none,
    instrument_save,
    item_errors,
)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
COLUMNS = ["序号", "问题", "提示", "回答方式", "分值", "强制等级"]
REQUIRED = ("序号", "问题")
KEYS = {"序号": "number", "问题": "question"}
HEADER_ALIASES = {
    "number": {"序号", "题号", "编号", "number"},
    "question": {"问题", "题目", "question"},
    "help_text": {"提示", "说明", "帮助", "help", "help_text"},
    "answer_type": {"回答方式", "答案类型", "answer_type"},
    "weight": {"分值", "权重", "weight"},
    "forces": {"强制等级", "强制", "forces_level"},
}
ANSWER_TYPES = {str(label): value for value, label in AnswerType.choices} | {
    "是/否": AnswerType.YES_NO,
    "是否": AnswerType.YES_NO,
    "是/否/不清楚": AnswerType.YES_NO_UNKNOWN,
    **{v: v for v in AnswerType.values},
}
LEVELS = {str(label): value for value, label in RiskLevel.choices} | {
    "一般": RiskLevel.STANDARD,
    "中": RiskLevel.MEDIUM,
    "高": RiskLevel.HIGH,
    **{v: v for v in RiskLevel.values},
}


def _normalise(header) -> str:
    text = "" if header is None else str(header)
    return text.strip().lstrip("\ufeff").replace(" ", "").replace("*", "").lower()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _positions(header: list) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        norm = _normalise(title)
        for key, aliases in HEADER_ALIASES.items():
            if norm in aliases and key not in positions:
                positions[key] = index
    return positions


def parse_rows(rows) -> tuple[list[ItemSpec], list[str]]:
    """Items from (line number, values) rows whose first is the header; and every error."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return [], [_("工作表是空的。请使用下载的导入模板。")]
    _line, header = first
    positions = _positions(header)
    missing = [c for c in REQUIRED if KEYS[c] not in positions]
    if missing:
        return [], [
            _("第一行表头缺少列：%(cols)s。请使用下载的导入模板（%(all)s）。")
            % {"cols": "、".join(missing), "all": "、".join(COLUMNS)}
        ]
    items, errors, seen = [], [], {}
    for line, values in rows:

        def cell(key, values=values):
            index = positions.get(key)
            return _text(values[index]) if index is not None and index < len(values) else ""

        raw = {key: cell(key) for key in HEADER_ALIASES}
        if not any(raw.values()):
            continue
        if len(items) + len(errors) >= ITEMS_MAX:
            errors.append(_("题目超过 %(n)d 道的上限。") % {"n": ITEMS_MAX})
            break
        problems = []
        number = None
        try:
            number = int(raw["number"])
        except ValueError:
            problems.append(_("序号“%(v)s”不是整数") % {"v": raw["number"][:20]})
        answer_type = ANSWER_TYPES.get(raw["answer_type"] or str(AnswerType.YES_NO.label))
        if answer_type is None:
            problems.append(
                _("回答方式“%(v)s”无法识别，应为“是/否”或“是/否/不清楚”")
                % {"v": raw["answer_type"][:20]}
            )
        weight = decimal_or_none(raw["weight"] or "1")
        if weight is None:
            problems.append(_("分值“%(v)s”不是数字") % {"v": raw["weight"][:20]})
        forces = LEVELS.get(raw["forces"]) if raw["forces"] else ""
        if forces is None:
            problems.append(
                _("强制等级“%(v)s”无法识别，应为一般风险、中风险、高风险或留空")
                % {"v": raw["forces"][:20]}
            )
        # Placeholders where the cell already failed, so item_errors reports only the rest.
        item = ItemSpec(
            number=number if number is not None else 1,
            question=raw["question"],
            help_text=raw["help_text"],
            answer_type=answer_type or AnswerType.YES_NO,
            weight=weight if weight is not None else Decimal(0),
            forces_level=forces or "",
        )
        problems += item_errors(item)
        if number is not None:
            if number in seen:
                problems.append(
                    _("序号 %(n)d 与第 %(line)d 行重复") % {"n": number, "line": seen[number]}
                )
            seen.setdefault(number, line)
        if problems:
            errors.append(_("第 %(line)d 行：%(p)s。") % {"line": line, "p": "；".join(problems)})
        else:
            items.append(item)
    if not items and not errors:
        errors.append(_("工作表中没有题目。"))
    return items, errors


def read_items(data: bytes, filename: str) -> list[ItemSpec]:
    """The items of an uploaded sheet; ValidationError listing every problem otherwise."""
    name = (filename or "").lower()
    if not name.endswith(".xlsx"):
        raise ValidationError({"upload": _("只支持 .xlsx 文件（.xls 请用 Excel 另存为 .xlsx）。")})
    if not data:
        raise ValidationError({"upload": _("文件是空的。")})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"upload": _("文件不能超过 2 MB。")})
    if not data.startswith(XLSX_MAGIC):
        raise ValidationError(
            {"upload": _("这不是有效的 xlsx 文件，请用 Excel 另存为 .xlsx 格式。")}
        )
    try:
        sheet = SheetReader(data, Limits(rows=ITEMS_MAX + 50))
        try:
            items, errors = parse_rows(sheet.rows())
        finally:
            sheet.close()
    except XlsxRefused as exc:
        raise ValidationError({"upload": exc.message}) from exc
    if errors:
        raise ValidationError({"upload": [_("文件有错误，未导入任何题目："), *errors]})
    return items


def instrument_import(*, user, data: bytes, filename: str, spec: InstrumentSpec) -> Instrument:
    """Load the items of the sheet into ``spec`` and save it (the next version when an
    instrument with that code exists)."""
    spec.items = read_items(data, filename)
    return instrument_save(user=user, spec=spec)


def template_workbook(instrument: Instrument | None = None) -> bytes:
    """The import template, filled with ``instrument``'s items (or the shipped ones), so that
    it imports as it is."""
    from .risk_instruments import default_spec, spec_of

    spec = spec_of(instrument) if instrument is not None else default_spec()
    rows = [
        [
            i.number,
            i.question,
            i.help_text,
            str(AnswerType(i.answer_type).label),
            float(i.weight),
            str(RiskLevel(i.forces_level).label) if i.forces_level else "",
        ]
        for i in spec.items
    ]
    content, _count = rows_to_workbook(COLUMNS, rows, "评估题目")
    return content
