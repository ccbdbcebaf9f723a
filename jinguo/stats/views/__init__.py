"""The dashboard of a unit and the breakdown of any statistics source; Excel of each table."""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from jinguo.core import audit
from jinguo.core.exports import rows_to_workbook, xlsx_response

from .. import dashboard as board
from .. import periods, selectors
from ..periods import months_between


class ScopedStatsMixin(LoginRequiredMixin):
    """The unit (of her subtree) and the period the request asks for."""

    def setup_scope(self):
        request = self.request
        self.unit = selectors.unit_for(request.user, request.GET.get("unit"))
        if self.unit is None or not selectors.visible_sources(request.user):
            raise Http404
        self.period, self.period_error = periods.parse(request.GET)

    def query(self, **extra) -> str:
        params = {"unit": self.unit.pk, **self.period.params(), **extra}
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})

    def ancestors(self):
        home = self.request.user.home_path
        chain, unit = [], self.unit.parent
        while unit is not None and unit.path.startswith(home):
            chain.append(unit)
            unit = unit.parent
        return list(reversed(chain))

    def export(self, header, rows, name: str, what: str):
        if not self.request.user.has_perm("core.export"):
            raise PermissionDenied
        content, count = rows_to_workbook(header, rows, name)
        audit.record_access(
            self.request.user,
            action="export",
            object_type="stats." + what,
            rows=count,
            filters={"unit": self.unit.pk, **self.period.params()},
        )
        return xlsx_response(content, name)

    def base_context(self, ctx):
        ctx.update(
            unit=self.unit,
            period=self.period,
            period_error=self.period_error,
            kinds=[
                ("month", _("月")),
                ("quarter", _("季度")),
                ("year", _("年")),
                ("custom", _("自定义")),
            ],
            ancestors=self.ancestors(),
            can_export=self.request.user.has_perm("core.export"),
            period_query=urlencode(self.period.params()),
        )
        return ctx


class DashboardView(ScopedStatsMixin, TemplateView):
    template_name = "stats/dashboard.html"

    def get(self, request, *args, **kwargs):
        self.setup_scope()
        rank = request.GET.get("rank") or "on_time"
        self.rank = rank if rank in board.RANK_BY else "on_time"
        self.data = board.dashboard(request.user, self.unit, self.period, self.rank)
        export = request.GET.get("export")
        if export:
            return self.export_table(export)
        return super().get(request, *args, **kwargs)

    def export_table(self, which: str):
        cases = self.data["cases"]
        title = f"{self.unit.name}-{self.period.label}"
        if which == "children" and cases:
            header = (
                [_("排名"), _("单位")]
                + [str(m.label) for m in board.METRICS]
                + [_("在办按期率（%）")]
            )
            rows = [
                [r["rank"], r["unit"], *(r[m.key] for m in board.METRICS), r["on_time"] or ""]
                for r in cases["children"]
            ]
            return self.export(header, _suppressed(rows), f"{title}-下级单位", "children")
        if which == "sources":
            header = [_("统计项"), _("本期"), _("上期"), _("增减"), _("本期数量合计")]
            rows = [
                [
                    s["label"],
                    s["count"],
                    s["previous"],
                    "" if s["change"] is None else s["change"],
                    "" if s.get("amount") is None else f"{s['measure_label']} {s['amount']}",
                ]
                for s in self.data["sources"]
            ]
            return self.export(header, _suppressed(rows), f"{title}-综合", "sources")
        if which == "trend" and cases:
            header = [_("月份"), _("收到诉求")]
            rows = [[r["label"], r["count"]] for r in cases["trend"]]
            return self.export(header, _suppressed(rows), f"{title}-趋势", "trend")
        for dist in (cases or {}).get("distributions", []):
            if which == dist["key"]:
                header = [dist["label"], _("件数")]
                rows = [[r["label"], r["count"]] for r in dist["rows"]]
                return self.export(header, _suppressed(rows), f"{title}-{dist['label']}", which)
        raise Http404

    def get_context_data(self, **kwargs):
        ctx = self.base_context(super().get_context_data(**kwargs))
        cases = self.data["cases"]
        ctx.update(data=self.data, cases=cases, rank=self.rank, metrics=board.METRICS)
        if cases:
            ctx["children_chart"] = [
                {
                    "label": r["unit"],
                    "count": r["on_time"] if self.rank == "on_time" else r[self.rank],
                }
                for r in cases["children"]
            ]
            ctx["rank_label"] = (
                _("在办按期率（%）") if self.rank == "on_time" else board.METRIC[self.rank].label
            )
            ctx["children_rows"] = [
                (r, [r[m.key] for m in board.METRICS]) for r in cases["children"]
            ]
            for dist in cases["distributions"]:
                dist["chart_id"] = f"dist-{dist['key']}-data"
                dist["chart"] = [
                    {"label": r["label"], "count": r["count"]} for r in dist["rows"] if r["count"]
                ]
        ctx["q"] = self.query
        ctx["query"] = self.query()
        ctx["rank_choices"] = [("on_time", _("在办按期率"))] + [
            (m.key, m.label) for m in board.METRICS
        ]
        return ctx


class SourceView(ScopedStatsMixin, TemplateView):
    """Any registered source broken down by each of its dimensions and by child unit."""

    template_name = "stats/source.html"

    def get(self, request, *args, **kwargs):
        self.setup_scope()
        self.src = selectors.visible_source(request.user, kwargs["key"])
        if self.src is None:
            raise Http404
        user = request.user
        self.breakdowns = []
        for dim, label in self.src.dimensions.items():
            cells = selectors.suppress(
                user, selectors.by_dimension(self.src, self.unit.path, dim, self.period)
            )
            self.breakdowns.append({"key": dim, "label": str(label), "cells": cells})
        children, own = selectors.by_child(self.src, self.unit, self.period)
        selectors.suppress(user, [*children, own])
        self.children, self.own = children, own
        self.total = selectors.total(self.src, self.unit.path, self.period)
        months = months_between(self.period.start, self.period.end)
        self.trend = selectors.suppress(user, selectors.by_month(self.src, self.unit.path, months))
        selectors.suppress(user, [self.total])
        export = request.GET.get("export")
        if export:
            title = f"{self.unit.name}-{self.src.label}-{self.period.label}"
            if export == "children":
                rows = [[c.label, c.shown] for c in children] + [[_("本级"), own.shown]]
                return self.export([_("单位"), _("数量")], _suppressed(rows), title, "children")
            for b in self.breakdowns:
                if b["key"] == export:
                    rows = [[c.label, c.shown] for c in b["cells"]]
                    return self.export([b["label"], _("数量")], _suppressed(rows), title, export)
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = self.base_context(super().get_context_data(**kwargs))
        ctx.update(
            src=self.src,
            breakdowns=self.breakdowns,
            children=self.children,
            own=self.own,
            total=self.total,
            trend=[{"label": c.label, "count": c.shown} for c in self.trend],
            children_chart=[{"label": c.label, "count": c.shown} for c in self.children],
            query=self.query(),
        )
        for b in self.breakdowns:
            b["chart"] = [{"label": c.label, "count": c.shown} for c in b["cells"] if c.shown]
        return ctx


def _suppressed(rows):
    """Rows for Excel: a hidden figure reads "<5", as on the page."""
    return [["<5" if v is None and i > 0 else v for i, v in enumerate(row)] for row in rows]
