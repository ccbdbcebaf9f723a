"""Indicators: named formulas over the statistics sources, evaluated from the summary.

The language is a small, safe subset of Python expressions (parsed with ``ast``, never
``eval``):

``count("cases.case")``
    the records of a source counted in the unit's subtree during the period;
``count("cases.case", channel="hotline_12338")`` / ``count("cases.case", status=["resolved", "closed"])``
    the same, filtered on *one* of the source's dimensions (the summary counts one dimension at
    a time). For a dimension that is a foreign key to a table with a ``code`` (case categories,
    tag types), the value may be that code; a code of a parent category takes in its children;
``sum("volunteers.service")``
    the sum of a source's measure (a volunteer's confirmed hours) over the records ``count``
    counts, for a source registered with ``measure=`` (filters as for count);
``ind("appeals_total")``
    the value of another indicator (no cycles);
``+ - * /`` and numbers; a division by zero is 0; ``pct(a, b)`` is a / b as a percentage with
one decimal (0 when b is 0).

Nothing is read from the records: every ``count`` is a lookup of StatsCount rows at the unit's
own path (its subtree's figure) for the months of the period.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext as _

from . import selectors, sources
from .periods import Period

FUNCTIONS = ("count", "sum", "ind", "pct")
MAX_FORMULA = 2000


class FormulaError(ValueError):
    """A formula that cannot be evaluated; the message is for the administrator."""


def parse(formula: str) -> ast.Expression:
    text = (formula or "").strip()
    if not text:
        raise FormulaError(_("请填写计算公式。"))
    if len(text) > MAX_FORMULA:
        raise FormulaError(_("计算公式过长。"))
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(_("公式写法有误：%(msg)s") % {"msg": exc.msg}) from None
    for node in ast.walk(tree):
        allowed = (
            ast.Expression,
            ast.BinOp,
            ast.UnaryOp,
            ast.Add,
            ast.Sub,
            ast.Mult,
            ast.Div,
            ast.USub,
            ast.UAdd,
            ast.Constant,
            ast.Call,
            ast.Name,
            ast.keyword,
            ast.List,
            ast.Tuple,
            ast.Load,
        )
        if not isinstance(node, allowed):
            raise FormulaError(_("公式中不能使用“%(what)s”。") % {"what": type(node).__name__})
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS:
            raise FormulaError(_("未知的函数或名称：%(name)s") % {"name": node.id})
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
        ):
            raise FormulaError(_("只能调用 count、sum、ind、pct。"))
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str):
            raise FormulaError(_("公式中只能有数字和文字常量。"))
    return tree


@dataclass
class Evaluator:
    """Evaluates formulas for one unit path and period, memoising counts and indicators."""

    path: str
    period: Period
    indicators: dict[str, str] = field(default_factory=dict)  # code → formula
    _counts: dict = field(default_factory=dict)
    _values: dict = field(default_factory=dict)
    _stack: list = field(default_factory=list)
    # Whether the last evaluate() read a figure that counts sensitive records or values: a
    # small result is then hidden from users without core.view_sensitive.
    sensitive: bool = False
    _sensitive_memo: dict = field(default_factory=dict)
    # Where the counts come from: the unit's own summary rows, one lookup per figure (None), or
    # an object with the same ``total()`` that read a whole subtree at once (detail.py).
    counts: object | None = None
    # Filter values resolved to stored ones (category codes → ids), shareable between the
    # evaluators of many units.
    resolved: dict = field(default_factory=dict)

    @classmethod
    def for_unit(cls, path: str, period: Period) -> Evaluator:
        from .models import Indicator

        return cls(path, period, dict(Indicator.objects.values_list("code", "formula")))

    def evaluate(self, formula: str):
        self.sensitive = False
        value = compiled(formula)(self)
        return tidy(value)

    def indicator(self, code: str):
        if code not in self.indicators:
            raise FormulaError(_("没有代码为“%(code)s”的指标。") % {"code": code})
        if code in self._values:
            self.sensitive |= self._sensitive_memo[code]
            return self._values[code]
        if code in self._stack:
            raise FormulaError(_("指标“%(code)s”引用了自身。") % {"code": code})
        self._stack.append(code)
        outer, self.sensitive = self.sensitive, False
        try:
            value = compiled(self.indicators[code])(self)
        finally:
            self._stack.pop()
        self._values[code] = value
        self._sensitive_memo[code] = self.sensitive
        self.sensitive |= outer
        return value

    def count(self, key: str, where: dict, asked=None) -> int:
        """The records of source ``key`` matching ``where`` (one dimension at most) in this
        unit's subtree and period. ``asked`` is a hashable form of (key, where) that the
        compiled formula passes, so a term is checked and resolved once per ``resolved``."""
        return self._cell(key, where, asked)[0]

    def amount(self, key: str, where: dict, asked=None) -> Decimal:
        """The sum of source ``key``'s measure (hours…) over the records ``count`` counts."""
        src = sources.source(key)
        if src is not None and not src.measure:
            raise FormulaError(_("统计来源“%(key)s”只计数，没有可求和的数量。") % {"key": key})
        return self._cell(key, where, asked)[2]

    def _cell(self, key: str, where: dict, asked) -> tuple[int, bool, Decimal]:
        asked = asked if asked is not None else (key, repr(sorted(where.items())))
        term = self.resolved.get(asked)
        if term is None:
            term = self.resolved[asked] = _term(key, where)
        src, resolved, memo = term
        got = self._counts.get(memo)
        if got is None:
            cell = (self.counts or selectors).total(src, self.path, self.period, resolved)
            got = self._counts[memo] = (
                cell.n,
                cell.n_sensitive > 0 or cell.sensitive_value,
                Decimal(cell.amount),
            )
        self.sensitive |= got[1]
        return got


def _term(key: str, where: dict):
    """(source, where with stored values, memo key) of a count, or FormulaError."""
    src = sources.source(key)
    if src is None:
        raise FormulaError(_("没有统计来源“%(key)s”。") % {"key": key})
    if len(where) > 1:
        raise FormulaError(_("统计汇总一次只能按一个维度筛选。"))
    resolved = None
    for dimension, value in where.items():
        if dimension not in sources.dimensions(src):
            raise FormulaError(
                _("统计来源“%(key)s”没有维度“%(dim)s”。") % {"key": key, "dim": dimension}
            )
        resolved = {dimension: resolve_values(src, dimension, value)}
    memo = (key, tuple(sorted((k, tuple(v)) for k, v in (resolved or {}).items())))
    return src, resolved, memo


ZERO = Decimal(0)


@lru_cache(maxsize=1024)
def compiled(formula: str):
    """The formula as a function of an Evaluator, built once per formula text: a detail
    sheet evaluates the same few formulas for tens of thousands of units. Every check of the
    formula's shape is made here, so a wrong formula fails whatever unit it is given."""
    return _compile(parse(formula).body)


def _compile(node):
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            raise FormulaError(_("文字只能作为函数的参数。"))
        constant = Decimal(str(node.value))
        return lambda ev: constant
    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda ev: -operand(ev)
        return operand
    if isinstance(node, ast.BinOp):
        left, right = _compile(node.left), _compile(node.right)
        if isinstance(node.op, ast.Add):
            return lambda ev: left(ev) + right(ev)
        if isinstance(node.op, ast.Sub):
            return lambda ev: left(ev) - right(ev)
        if isinstance(node.op, ast.Mult):
            return lambda ev: left(ev) * right(ev)

        def divide(ev):
            a, b = left(ev), right(ev)
            return a / b if b else ZERO

        return divide
    if isinstance(node, ast.Call):
        return _compile_call(node)
    raise FormulaError(_("公式写法有误。"))


def _compile_call(node: ast.Call):
    name = node.func.id
    if name == "pct":
        if len(node.args) != 2 or node.keywords:
            raise FormulaError(_("pct 需要两个参数：pct(分子, 分母)。"))
        part, whole = (_compile(arg) for arg in node.args)

        def pct(ev):
            a, b = part(ev), whole(ev)
            return (a * 100 / b).quantize(Decimal("0.1")) if b else ZERO

        return pct
    args = [_literal(arg) for arg in node.args]
    if name == "ind":
        if len(args) != 1 or node.keywords or not isinstance(args[0], str):
            raise FormulaError(_('ind 需要一个指标代码：ind("代码")。'))
        code = args[0]
        return lambda ev: ev.indicator(code)
    # count, sum
    if len(args) != 1 or not isinstance(args[0], str):
        if name == "sum":
            raise FormulaError(_('sum 需要一个统计来源：sum("volunteers.service")。'))
        raise FormulaError(_('count 需要一个统计来源：count("cases.case")。'))
    key = args[0]
    where = {kw.arg: _literal(kw.value) for kw in node.keywords}
    asked = (key, repr(sorted(where.items())))
    if name == "sum":
        return lambda ev: ev.amount(key, where, asked)
    return lambda ev: Decimal(ev.count(key, where, asked))


def _literal(node):
    try:
        value = ast.literal_eval(node)
    except ValueError:
        raise FormulaError(_("函数参数只能是文字、数字或它们的列表。")) from None
    if isinstance(value, tuple):
        value = list(value)
    return value


def resolve_values(src, dimension: str, value) -> list[str]:
    """The stored values of a filter: codes of a coded related table become its ids (a parent
    takes in its children)."""
    values = [str(v) for v in (value if isinstance(value, list) else [value])]
    f = selectors._final_field(src.model_class(), dimension)
    if not f.is_relation:
        return values
    model = f.related_model
    names = {x.name for x in model._meta.get_fields()}
    if "code" not in names:
        return values
    ids = {
        str(pk) for pk in model._base_manager.filter(code__in=values).values_list("pk", flat=True)
    }
    if "children" in names or "parent" in names:
        parent_field = next(
            (x for x in model._meta.concrete_fields if x.many_to_one and x.related_model is model),
            None,
        )
        if parent_field is not None and ids:
            children = model._base_manager.filter(**{f"{parent_field.name}__in": list(ids)})
            ids |= {str(pk) for pk in children.values_list("pk", flat=True)}
    return sorted(ids | {v for v in values if v.isdigit()})


def tidy(value):
    """An int when whole, else a float with at most two decimals."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(round(value, 2))
    return value


def check(formula: str, indicators: dict[str, str] | None = None) -> None:
    """Raise FormulaError unless the formula can be evaluated (sources, dimensions,
    indicators exist; no cycles). Evaluated against an empty path, so it reads nothing."""
    import datetime

    from .models import Indicator
    from .periods import Period as P

    known = dict(Indicator.objects.values_list("code", "formula"))
    known.update(indicators or {})
    ev = Evaluator("", P("month", datetime.date(2000, 1, 1), datetime.date(2000, 2, 1)), known)
    ev.evaluate(formula)
