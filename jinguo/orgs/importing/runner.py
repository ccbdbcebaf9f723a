"""Import of statistical division codes: rows of (code, name, parent code).

Rows come from a CSV or xlsx file (see ``readers.py``) or from the National Bureau of
Statistics files. Validation (``import_rows.py``) collects every error first, each with its row
and column; if there is any, nothing is written. Otherwise new units are created level by level
(parents first) in batches, changed names are updated, and one audit event records the counts —
not one row per unit. Importing the same file again changes nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.paths import SEPARATOR

from ..choices import LEVEL_BY_KIND, UnitKind
from ..models import OrgUnit
from .rows import COLUMN_FILE, LOOKUP_CHUNK, ImportRow, Plan, RowError, validate_rows

BATCH_SIZE = 2000


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header, bad encoding…)."""

    def __init__(self, message: str, *, source: str = "", line: int = 0):
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line

    def as_row_error(self) -> RowError:
        return RowError(self.line, str(COLUMN_FILE), self.message, self.source)


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    created_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def kind_summary(self) -> list[tuple[str, int]]:
        return [
            (str(label), self.created_by_kind[value])
            for value, label in UnitKind.choices
            if self.created_by_kind.get(value)
        ]


def rows_under(rows: list[ImportRow], code: str) -> list[ImportRow]:
    """The unit ``code``, its ancestors in the file (so paths are complete) and its subtree."""
    code = (code or "").strip()
    by_code: dict[str, ImportRow] = {}
    children: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_code.setdefault(row.code, row)
        if row.parent_code:
            children[row.parent_code].append(row.code)
    if code not in by_code:
        raise ImportFileError(_("文件中没有代码为 %(code)s 的单位。") % {"code": code})
    keep = set()
    cursor = code
    while cursor in by_code and cursor not in keep:
        keep.add(cursor)
        cursor = by_code[cursor].parent_code
    stack = list(children.get(code, []))
    while stack:
        current = stack.pop()
        if current not in keep:
            keep.add(current)
            stack.extend(children.get(current, []))
    return [row for row in rows if row.code in keep]


def _depths(create: list[tuple[ImportRow, str]]) -> dict[str, int]:
    parent_of = {row.code: row.parent_code for row, _kind in create}
    depth: dict[str, int] = {}
    for code in parent_of:
        chain = []
        cursor = code
        while cursor in parent_of and cursor not in depth:
            chain.append(cursor)
            cursor = parent_of[cursor]
        base = depth.get(cursor, -1)
        for i, c in enumerate(reversed(chain), start=1):
            depth[c] = base + i
    return depth


def _locked_parents(plan: Plan) -> dict[str, tuple[int, str, int]]:
    """Existing parents of new units, locked and re-read inside the transaction.

    A concurrent move may have rewritten a parent's path since validation read it.
    """
    codes = sorted({row.parent_code for row, _kind in plan.create if row.parent_code})
    codes = [c for c in codes if c in plan.existing]
    placed = {}
    for i in range(0, len(codes), LOOKUP_CHUNK):
        rows = (
            OrgUnit.objects.select_for_update()
            .filter(code__in=codes[i : i + LOOKUP_CHUNK])
            .values_list("code", "pk", "path", "level")
        )
        for code, pk, path, level in rows:
            placed[code] = (pk, path, level)
    return placed


def _apply(plan: Plan, version: str) -> dict[str, int]:
    now = timezone.now()
    placed = _locked_parents(plan)
    by_kind: dict[str, int] = defaultdict(int)
    depth = _depths(plan.create)
    levels: dict[int, list[tuple[ImportRow, str]]] = defaultdict(list)
    for row, kind in plan.create:
        levels[depth[row.code]].append((row, kind))
    for d in sorted(levels):
        units = []
        for row, kind in levels[d]:
            if row.parent_code:
                parent_pk, parent_path, parent_level = placed[row.parent_code]
                level = parent_level + 1
            else:
                parent_pk, parent_path, level = None, "", LEVEL_BY_KIND[kind]
            units.append(
                OrgUnit(
                    code=row.code,
                    name=row.name,
                    kind=kind,
                    level=level,
                    parent_id=parent_pk,
                    path=f"{parent_path}{row.code}{SEPARATOR}",
                    division_version=version,
                    created_at=now,
                )
            )
            by_kind[kind] += 1
        OrgUnit.objects.bulk_create(units, batch_size=BATCH_SIZE)
        if any(u.pk is None for u in units):  # a backend that returns no ids from bulk inserts
            ids = dict(
                OrgUnit.objects.filter(path__in=[u.path for u in units]).values_list("path", "pk")
            )
            for u in units:
                u.pk = ids[u.path]
        for u in units:
            placed[u.code] = (u.pk, u.path, u.level)
    if plan.update:
        changed = []
        for current, row in plan.update:
            unit = OrgUnit(pk=current.pk, name=row.name, updated_at=now)
            unit.division_version = version or current.division_version
            changed.append(unit)
        OrgUnit.objects.bulk_update(
            changed, ["name", "division_version", "updated_at"], batch_size=500
        )
    return dict(by_kind)


def _anchor(rows: list[ImportRow]):
    """The single top unit of the import, to hang the audit event on (None if several)."""
    codes = {row.code for row in rows}
    tops = {row.code for row in rows if not row.parent_code or row.parent_code not in codes}
    if len(tops) == 1:
        return OrgUnit.objects.filter(code=next(iter(tops))).first(), sorted(tops)
    return None, sorted(tops)[:20]


def import_units(
    *,
    user,
    rows: list[ImportRow],
    version: str = "",
    dry_run: bool = False,
    source: str = "",
) -> ImportResult:
    """Validate every row; write nothing if any is wrong, else create and update in bulk.

    ``user=None`` is the system actor of the management command; a web user needs
    ``orgs.import_orgunit`` and may only import into her own subtree.
    """
    if user is not None and not user.has_perm("orgs.import_orgunit"):
        raise PermissionDenied(_("您没有导入区划代码的权限。"))
    version = (version or "").strip()
    result = ImportResult(total=len(rows), dry_run=dry_run)
    plan = validate_rows(user, rows, version, result.errors)
    if result.errors:
        result.errors.sort(key=lambda e: (e.source, e.line))
        return result
    result.created = len(plan.create)
    result.updated = len(plan.update)
    result.unchanged = plan.unchanged
    if dry_run:
        for _row, kind in plan.create:
            result.created_by_kind[kind] = result.created_by_kind.get(kind, 0) + 1
        return result
    if not plan.create and not plan.update:
        return result
    try:
        with transaction.atomic():
            result.created_by_kind = _apply(plan, version)
            anchor, tops = _anchor(rows)
            audit.record_change(
                user,
                anchor,
                "import",
                after={"created": result.created, "updated": result.updated},
                object_type=OrgUnit._meta.label_lower,
                unchanged=result.unchanged,
                rows=result.total,
                created_by_kind=result.created_by_kind,
                updated_codes=[row.code for _current, row in plan.update[:100]],
                tops=tops,
                source=source,
                version=version,
            )
    except IntegrityError:
        # Someone created one of these codes between validation and writing: nothing was
        # written (the transaction rolled back); the user can simply try again.
        result.created = result.updated = result.unchanged = 0
        result.created_by_kind = {}
        result.errors.append(
            RowError(
                0,
                str(COLUMN_FILE),
                _("导入时发现代码已被他人同时创建，未导入任何数据，请重新上传。"),
                source,
            )
        )
    return result
