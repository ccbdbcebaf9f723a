"""Anonymised violence statistics, in the spirit of the GBVIMS incident recorder.

Counts of violence cases (``gbv_type`` set, or a violence category) that ``user`` may see
(``Case.objects.restrict(user, "view")``), received in a period, inside one unit's subtree,
broken down by its child units or by month, for one dimension at a time. No name, id, number
or free text leaves this module: only labels and counts.

How each dimension is derived (from what a case holds; "未知" where it cannot be):
- 暴力类型: the case's ``gbv_type`` (one of the six GBVIMS core types); a violence category
  without a type is "未知".
- 发生情境 (context), the survivor is the victim party on file, else the complainant:
  1. 亲密伴侣 when she and a respondent on file live in the same household as its head and
     the head's spouse, or the sub-category is about a partner (配偶外遇/重婚/同居, 离婚,
     同居纠纷);
  2. 家庭 when she and a respondent share a household otherwise, or the sub-category is 家庭暴力
     (the Anti-Domestic Violence Law's family members and cohabitants; a partner not
     recorded as such is counted here, so 亲密伴侣 is a lower bound);
  3. 其他 when the case lies in the labour area (workplace) — outside the family;
  4. otherwise 未知 (e.g. 人身伤害 or 侵害未成年人 without household data).
- 年龄段: her age on the day the case was received, from her birth date (<14, 14–17, 18–29,
  30–44, 45–59, 60+); no birth date on file (or an anonymous case) is 未知.
- 性别: her recorded sex; 未知 when not recorded or nobody is on file.
- 转介: 未转介, or the kind of agency of the case's first referral (one value per case, so that
  each table adds up).
- 服务结果: the case's outcome (办理结果), or 尚未办结.

Small counts: a cell of 1–4 is shown as "<5" (primary suppression). A row, column or total
with exactly one hidden cell could be solved from the visible ones (total minus the rest), so
a second cell of that line — its smallest visible non-zero one, else its smallest — is hidden
too and shown as "*" (complementary suppression); this repeats until no line of the table
(rows with their totals, columns with theirs, and the total row and column with the grand
total) has exactly one hidden cell. Zeros are shown: they say nothing about a person. The rule
defeats subtraction along any one line; it is not a full linear-programming audit.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.cases.choices import AgencyKind, GbvType, Outcome, PartyRole
from jinguo.cases.models import Case, CaseParty, Referral
from jinguo.cases.selectors import VIOLENCE_Q
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.people.choices import Gender, Relationship
from jinguo.people.models import HouseholdMember

THRESHOLD = 5
PRIMARY = "<5"
COMPLEMENTARY = "*"
UNKNOWN = "unknown"
UNKNOWN_LABEL = _("未知")

PARTNER_SUBCATEGORIES = {"family-affair", "family-divorce", "family-cohabitation"}
FAMILY_SUBCATEGORIES = {"family-violence"}
OTHER_TOP_CATEGORIES = {"labour"}
AGE_BANDS = [
    ("lt14", _("14岁以下"), 0, 13),
    ("14_17", _("14–17岁"), 14, 17),
    ("18_29", _("18–29岁"), 18, 29),
    ("30_44", _("30–44岁"), 30, 44),
    ("45_59", _("45–59岁"), 45, 59),
    ("60plus", _("60岁及以上"), 60, 200),
]


@dataclass(frozen=True)
class Dimension:
    key: str
    label: object
    values: tuple  # ((value, label), ...), 未知 last where it applies


DIMENSIONS = (
    Dimension("type", _("暴力类型"), (*GbvType.choices, (UNKNOWN, UNKNOWN_LABEL))),
    Dimension(
        "context",
        _("发生情境"),
        (
            ("partner", _("亲密伴侣")),
            ("family", _("家庭")),
            ("other", _("其他")),
            (UNKNOWN, UNKNOWN_LABEL),
        ),
    ),
    Dimension(
        "age",
        _("年龄段"),
        (*((k, label) for k, label, _lo, _hi in AGE_BANDS), (UNKNOWN, UNKNOWN_LABEL)),
    ),
    Dimension(
        "sex",
        _("性别"),
        (
            (Gender.FEMALE, Gender.FEMALE.label),
            (Gender.MALE, Gender.MALE.label),
            (UNKNOWN, UNKNOWN_LABEL),
        ),
    ),
    Dimension("referral", _("转介"), (("none", _("未转介")), *AgencyKind.choices)),
    Dimension("service", _("服务结果"), (*Outcome.choices, ("pending", _("尚未办结")))),
)
DIMENSION_BY_KEY = {d.key: d for d in DIMENSIONS}


def violence_cases(user):
    """The violence cases ``user`` may see: restrict() decides."""
    return Case.objects.restrict(user, "view").filter(VIOLENCE_Q)


def age_band(birth_date, on: datetime.date) -> str:
    if birth_date is None:
        return UNKNOWN
    years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for key, _label, low, high in AGE_BANDS:
        if low <= years <= high:
            return key
    return UNKNOWN


# --- per-case facts (ids stay inside this function) ----------------------------------------


def _case_facts(cases) -> list[dict]:
    rows = list(
        cases.values(
            "pk",
            "org_path",
            "received_at",
            "gbv_type",
            "outcome",
            "category__code",
            "subcategory__code",
            "complainant_id",
        )
    )
    ids = [r["pk"] for r in rows]
    victims, respondents = {}, defaultdict(set)
    for case_id, person_id, role in (
        CaseParty.objects.filter(case_id__in=ids, person__isnull=False)
        .filter(role__in=(PartyRole.VICTIM, PartyRole.RESPONDENT))
        .order_by("id")
        .values_list("case_id", "person_id", "role")
    ):
        if role == PartyRole.VICTIM:
            victims.setdefault(case_id, person_id)
        else:
            respondents[case_id].add(person_id)
    survivor = {r["pk"]: victims.get(r["pk"], r["complainant_id"]) for r in rows}
    from jinguo.people.models import Person

    people = {
        p["pk"]: p
        for p in Person.objects.filter(pk__in={v for v in survivor.values() if v}).values(
            "pk", "birth_date", "gender"
        )
    }
    involved = {v for v in survivor.values() if v} | {p for s in respondents.values() for p in s}
    households = defaultdict(dict)  # person -> {household: relationship}
    for person_id, household_id, relationship in HouseholdMember.objects.filter(
        person_id__in=involved
    ).values_list("person_id", "household_id", "relationship"):
        households[person_id][household_id] = relationship
    first_referral = {}
    for case_id, kind in (
        Referral.objects.filter(case_id__in=ids)
        .order_by("sent_at", "id")
        .values_list("case_id", "agency__kind")
    ):
        first_referral.setdefault(case_id, kind)

    facts = []
    for r in rows:
        person = people.get(survivor[r["pk"]])
        received = timezone.localtime(r["received_at"])
        facts.append(
            {
                "org_path": r["org_path"],
                "month": received.strftime("%Y-%m"),
                "type": r["gbv_type"] or UNKNOWN,
                "context": _context(r, survivor[r["pk"]], respondents[r["pk"]], households),
                "age": age_band(person["birth_date"] if person else None, received.date()),
                "sex": (
                    person["gender"]
                    if person and person["gender"] in (Gender.FEMALE, Gender.MALE)
                    else UNKNOWN
                ),
                "referral": first_referral.get(r["pk"], "none"),
                "service": r["outcome"] or "pending",
            }
        )
    return facts


def _context(row, survivor, respondents, households) -> str:
    mine = households.get(survivor, {}) if survivor else {}
    partner_pair = {Relationship.HEAD, Relationship.SPOUSE}
    shared = False
    for respondent in respondents:
        for household, relationship in households.get(respondent, {}).items():
            if household in mine:
                if {mine[household], relationship} == partner_pair:
                    return "partner"
                shared = True
    sub = row["subcategory__code"]
    if sub in PARTNER_SUBCATEGORIES:
        return "partner"
    if shared or sub in FAMILY_SUBCATEGORIES:
        return "family"
    if row["category__code"] in OTHER_TOP_CATEGORIES:
        return "other"
    return UNKNOWN


# --- suppression ---------------------------------------------------------------------------


def suppress(matrix: list[list[int]]) -> dict:
    """Row and column totals of ``matrix`` and what may be shown of every number.

    Returns {"cells": [[shown]], "row_totals": [shown], "col_totals": [shown], "total": shown},
    each shown value an int, PRIMARY or COMPLEMENTARY (see the module docstring)."""
    rows = len(matrix)
    cols = len(matrix[0]) if rows else 0
    grid = [[*r, sum(r)] for r in matrix]
    grid.append([sum(grid[i][j] for i in range(rows)) for j in range(cols + 1)])
    hidden = {
        (i, j): "primary"
        for i in range(rows + 1)
        for j in range(cols + 1)
        if 0 < grid[i][j] < THRESHOLD
    }
    lines = [[(i, j) for j in range(cols + 1)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows + 1)] for j in range(cols + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for p in line if p in hidden) != 1:
                continue
            visible = [p for p in line if p not in hidden]
            nonzero = [p for p in visible if grid[p[0]][p[1]] > 0]
            pick = min(nonzero or visible, key=lambda p: (grid[p[0]][p[1]], p))
            hidden[pick] = "complementary"
            changed = True

    def shown(i, j):
        how = hidden.get((i, j))
        if how is None:
            return grid[i][j]
        return PRIMARY if how == "primary" else COMPLEMENTARY

    return {
        "cells": [[shown(i, j) for j in range(cols)] for i in range(rows)],
        "row_totals": [shown(i, cols) for i in range(rows)],
        "col_totals": [shown(rows, j) for j in range(cols)],
        "total": shown(rows, cols),
    }


# --- the report ----------------------------------------------------------------------------


def month_range(start: datetime.date, end: datetime.date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def breakdown_units(unit: OrgUnit) -> list[OrgUnit]:
    """The rows of a by-unit table: the unit's child federations (grids report through their
    community and are not rows)."""
    return list(OrgUnit.objects.filter(parent=unit).exclude(kind=UnitKind.GRID).order_by("path"))


def violence_statistics(
    user, *, unit: OrgUnit, start: datetime.date, end: datetime.date, by="unit"
):
    """The tables for every dimension: {"rows": [labels], "tables": [{dimension, columns,
    cells…}], "cases": n}. ``start``/``end`` are the first days of the first and last month."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start.replace(day=1), datetime.time.min, tz)
    last = end.replace(day=1)
    after = (
        last.replace(year=last.year + 1, month=1)
        if last.month == 12
        else last.replace(month=last.month + 1)
    )
    until = datetime.datetime.combine(after, datetime.time.min, tz)
    cases = violence_cases(user).filter(
        org_path__subtree=unit.path, received_at__gte=since, received_at__lt=until
    )
    facts = _case_facts(cases)
    if by == "month":
        keys = month_range(start, end)
        labels = list(keys)

        def row_of(fact):
            return fact["month"]

    else:
        children = breakdown_units(unit)
        keys = [u.path for u in children] + [unit.path]
        labels = [u.name for u in children] + [_("%(unit)s（本级）") % {"unit": unit.name}]

        def row_of(fact):
            for child in children:
                if fact["org_path"].startswith(child.path):
                    return child.path
            return unit.path

    index = {k: n for n, k in enumerate(keys)}
    tables = []
    for dimension in DIMENSIONS:
        values = [v for v, _label in dimension.values]
        counts = Counter((row_of(f), f[dimension.key]) for f in facts)
        matrix = [[counts.get((k, v), 0) for v in values] for k in keys]
        # Facts always fall in one row: every key is listed, and values outside the list
        # (a retired choice) count as 未知 where the dimension has it.
        extra = Counter(
            row_of(f) for f in facts if f[dimension.key] not in values and row_of(f) in index
        )
        if extra and UNKNOWN in values:
            u = values.index(UNKNOWN)
            for k, n in extra.items():
                matrix[index[k]][u] += n
        tables.append(
            {
                "key": dimension.key,
                "label": dimension.label,
                "columns": [label for _v, label in dimension.values],
                **suppress(matrix),
            }
        )
    return {"rows": labels, "tables": tables, "cases": len(facts)}
