"""The rows of a division-code import and the checks they must pass before anything is written.

Every error is collected with its file, row and column; nothing is checked one row at a time
against the database (existing codes, parents and scope are looked up in a few batched queries).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.core.paths import SEPARATOR

from ..choices import CODE_LENGTH, KIND_BY_CODE_LENGTH, TERRITORIAL_PARENT, UnitKind
from ..models import OrgUnit
from ..rules import NAME_MAX_LENGTH, kind_label

COLUMN_CODE = gettext_lazy("代码")
COLUMN_NAME = gettext_lazy("名称")
COLUMN_PARENT = gettext_lazy("上级代码")
COLUMN_FILE = gettext_lazy("文件")
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class ImportRow:
    line: int
    code: str
    name: str
    parent_code: str
    source: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str
    source: str = ""
    code: str = ""

    def as_list(self) -> list:
        return [self.source, self.line, self.column, self.code, self.message]


ERROR_HEADER = [
    gettext_lazy("文件"),
    gettext_lazy("行号"),
    gettext_lazy("列"),
    gettext_lazy("代码"),
    gettext_lazy("问题"),
]


@dataclass
class _Existing:
    pk: int
    code: str
    name: str
    kind: str
    level: int
    path: str
    parent_code: str
    division_version: str


def _load_existing(codes: set[str]) -> dict[str, _Existing]:
    found: dict[str, _Existing] = {}
    ordered = sorted(codes)
    for i in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[i : i + LOOKUP_CHUNK]
        for values in OrgUnit.objects.filter(code__in=chunk).values(
            "pk", "code", "name", "kind", "level", "path", "parent__code", "division_version"
        ):
            found[values["code"]] = _Existing(
                values["pk"],
                values["code"],
                values["name"],
                values["kind"],
                values["level"],
                values["path"],
                values["parent__code"] or "",
                values["division_version"],
            )
    return found


def _in_scope(user, units: list[_Existing]) -> set[int]:
    """PKs among ``units`` that the user may import into (restrict(user, "import"))."""
    if user is None:
        return {u.pk for u in units}
    pks = sorted(u.pk for u in units)
    allowed: set[int] = set()
    scoped = OrgUnit.objects.restrict(user, "import")
    for i in range(0, len(pks), LOOKUP_CHUNK):
        allowed.update(scoped.filter(pk__in=pks[i : i + LOOKUP_CHUNK]).values_list("pk", flat=True))
    return allowed


def _existing_sibling_names(parent_pks: set[int]) -> dict[int, dict[str, str]]:
    names: dict[int, dict[str, str]] = defaultdict(dict)
    ordered = sorted(parent_pks)
    for i in range(0, len(ordered), LOOKUP_CHUNK):
        rows = OrgUnit.objects.filter(parent_id__in=ordered[i : i + LOOKUP_CHUNK]).values_list(
            "parent_id", "name", "code"
        )
        for parent_id, name, code in rows:
            names[parent_id][name] = code
    return names


@dataclass
class Plan:
    create: list[tuple[ImportRow, str]] = field(default_factory=list)
    update: list[tuple[_Existing, ImportRow]] = field(default_factory=list)
    unchanged: int = 0
    existing: dict[str, _Existing] = field(default_factory=dict)


def _where(row: ImportRow, other: ImportRow) -> str:
    if other.source and other.source != row.source:
        return _("%(source)s 第 %(line)d 行") % {"source": other.source, "line": other.line}
    return _("第 %(line)d 行") % {"line": other.line}


def _check_format(row: ImportRow, err) -> tuple[bool, bool]:
    """Checks that need nothing but the row: (code usable, parent code well-formed)."""
    code_ok = True
    parent_ok = True
    if not row.code:
        err(row, COLUMN_CODE, _("代码不能为空。"))
        code_ok = False
    elif not row.code.isdigit():
        err(row, COLUMN_CODE, _("代码只能包含数字。"))
        code_ok = False
    elif len(row.code) not in KIND_BY_CODE_LENGTH:
        err(
            row,
            COLUMN_CODE,
            _("代码应为 2、4、6、9 或 12 位数字，实际为 %(n)d 位。") % {"n": len(row.code)},
        )
        code_ok = False
    if not row.name:
        err(row, COLUMN_NAME, _("名称不能为空。"))
    elif len(row.name) > NAME_MAX_LENGTH:
        err(
            row,
            COLUMN_NAME,
            _("名称不能超过 %(max)d 个字符（现有 %(n)d 个）。")
            % {"max": NAME_MAX_LENGTH, "n": len(row.name)},
        )
    if row.parent_code and not row.parent_code.isdigit():
        err(row, COLUMN_PARENT, _("上级代码只能包含数字。"))
        parent_ok = False
    elif code_ok:
        kind = KIND_BY_CODE_LENGTH[len(row.code)]
        expected = TERRITORIAL_PARENT.get(kind)
        parent_ok = False
        if kind == UnitKind.PROVINCE and row.parent_code:
            err(row, COLUMN_PARENT, _("省级单位（2 位代码）不应填写上级代码。"))
        elif (
            expected is not None
            and row.parent_code
            and len(row.parent_code) != CODE_LENGTH[expected]
        ):
            err(
                row,
                COLUMN_PARENT,
                _("上级代码应为 %(n)d 位（%(kind)s的上级是%(parent)s），实际为 %(len)d 位。")
                % {
                    "n": CODE_LENGTH[expected],
                    "kind": kind_label(kind),
                    "parent": kind_label(expected),
                    "len": len(row.parent_code),
                },
            )
        elif expected is not None and not row.code.startswith(row.parent_code):
            err(row, COLUMN_CODE, _("代码应以上级代码 %(p)s 开头。") % {"p": row.parent_code})
        else:
            parent_ok = True
    return code_ok, parent_ok


def validate_rows(user, rows: list[ImportRow], version: str, errors: list[RowError]) -> Plan:
    def err(row: ImportRow, column, message: str) -> None:
        errors.append(RowError(row.line, str(column), message, row.source, row.code))

    first: dict[str, ImportRow] = {}
    sibling_rows: dict[tuple[str, str], ImportRow] = {}
    usable: list[ImportRow] = []
    bad_parent: set[int] = set()
    for row in rows:
        code_ok, parent_ok = _check_format(row, err)
        if not parent_ok:
            bad_parent.add(id(row))
        if row.code and row.code in first:
            err(
                row,
                COLUMN_CODE,
                _("代码与%(where)s重复。") % {"where": _where(row, first[row.code])},
            )
            continue
        if row.code:
            first[row.code] = row
        if row.name:
            key = (row.parent_code, row.name)
            if key in sibling_rows:
                err(
                    row,
                    COLUMN_NAME,
                    _("同一上级单位下的名称与%(where)s重复。")
                    % {"where": _where(row, sibling_rows[key])},
                )
            else:
                sibling_rows[key] = row
        if code_ok:
            usable.append(row)

    wanted = {row.code for row in usable} | {row.parent_code for row in usable if row.parent_code}
    plan = Plan(existing=_load_existing(wanted))
    existing = plan.existing
    allowed = _in_scope(user, list(existing.values()))
    # A clerk's file may repeat, unchanged, the ancestors of her own unit.
    home_codes = set()
    if user is not None and user.home_path:
        home_codes = {c for c in user.home_path.split(SEPARATOR) if c}
    new_parents = {
        existing[row.parent_code].pk
        for row in usable
        if row.code not in existing and row.parent_code in existing
    }
    db_siblings = _existing_sibling_names(new_parents)

    for row in usable:
        kind = KIND_BY_CODE_LENGTH[len(row.code)]
        expected = TERRITORIAL_PARENT.get(kind)
        current = existing.get(row.code)
        parent = existing.get(row.parent_code) if row.parent_code else None
        parent_ok = id(row) not in bad_parent
        in_file = row.parent_code in first
        if not parent_ok:
            pass  # already reported
        elif expected is not None and not row.parent_code:
            # Only a unit that is already a root here (a city-level installation) may omit it.
            if current is None or current.parent_code:
                err(row, COLUMN_PARENT, _("上级代码不能为空（只有省级单位没有上级）。"))
                parent_ok = False
        elif row.parent_code and not in_file and parent is None:
            err(
                row,
                COLUMN_PARENT,
                _("上级代码 %(p)s 在文件和系统中都不存在。") % {"p": row.parent_code},
            )
            parent_ok = False
        elif parent is not None and not in_file and expected and parent.kind != expected:
            err(
                row,
                COLUMN_PARENT,
                _("上级单位 %(p)s（%(name)s）是%(actual)s，%(kind)s的上级应为%(expected)s。")
                % {
                    "p": parent.code,
                    "name": parent.name,
                    "actual": kind_label(parent.kind),
                    "kind": kind_label(kind),
                    "expected": kind_label(expected),
                },
            )
            parent_ok = False
        elif current is None and parent is not None and parent.pk not in allowed:
            # The parent exists (in the file or not): a new unit must land in the user's scope.
            err(
                row,
                COLUMN_PARENT,
                _("上级单位 %(p)s 不在您的管辖范围内。") % {"p": row.parent_code},
            )
            parent_ok = False
        if current is None:
            if not row.parent_code and user is not None:
                err(row, COLUMN_CODE, _("不能在您的管辖范围以外新增顶级单位。"))
                continue
            if parent_ok and parent is not None:
                clash = db_siblings.get(parent.pk, {}).get(row.name)
                if clash and clash != row.code:
                    err(
                        row,
                        COLUMN_NAME,
                        _("上级单位下已有同名单位（代码 %(code)s）。") % {"code": clash},
                    )
                    continue
            plan.create.append((row, kind))
            continue
        if current.kind != kind:
            err(
                row,
                COLUMN_CODE,
                _("系统中代码 %(code)s 属于%(kind)s“%(name)s”，不是区划单位。")
                % {"code": row.code, "kind": kind_label(current.kind), "name": current.name},
            )
            continue
        if current.parent_code != row.parent_code:
            err(
                row,
                COLUMN_PARENT,
                _(
                    "系统中该单位的上级代码为 %(old)s，与文件中的 %(new)s 不一致；"
                    "调整隶属关系请在单位详情页操作。"
                )
                % {
                    "old": current.parent_code or _("（无）"),
                    "new": row.parent_code or _("（无）"),
                },
            )
            continue
        changed = current.name != row.name or (version and current.division_version != version)
        if current.pk not in allowed and (changed or row.code not in home_codes):
            err(row, COLUMN_CODE, _("单位 %(code)s 不在您的管辖范围内。") % {"code": row.code})
            continue
        if changed:
            plan.update.append((current, row))
        else:
            plan.unchanged += 1
    return plan
