"""/api/stats/: the dashboard's figures and any source's breakdown, scoped like the pages."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import dashboard as board
from .. import periods, selectors
from ..periods import months_between

SCOPE_PARAMETERS = [
    OpenApiParameter("unit", OpenApiTypes.INT, description="单位（默认本单位）"),
    OpenApiParameter("period", OpenApiTypes.STR, enum=list(periods.KINDS)),
    OpenApiParameter("at", OpenApiTypes.STR, description="2026-05, 2026-Q2 or 2026"),
    OpenApiParameter(
        "start", OpenApiTypes.STR, description="custom: first month, 2026-01 (a date: its month)"
    ),
    OpenApiParameter(
        "end", OpenApiTypes.STR, description="custom: last month, 2026-03 (a date: its month)"
    ),
]


def _scope(request):
    unit = selectors.unit_for(request.user, request.query_params.get("unit"))
    if unit is None or not selectors.visible_sources(request.user):
        raise Http404
    period, error = periods.parse(request.query_params)
    return unit, period, error


def _cells(cells):
    return [{"value": c.value, "label": c.label, "count": c.shown} for c in cells]


class StatsIndexView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="统计项与所选单位的仪表盘数字",
        parameters=[
            *SCOPE_PARAMETERS,
            OpenApiParameter("rank", OpenApiTypes.STR, enum=board.RANK_BY),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        unit, period, error = _scope(request)
        if error:
            # The page shows a default period beside the message; the API refuses.
            return Response({"period": [str(error)]}, status=400)
        rank = request.query_params.get("rank") or "on_time"
        if rank not in board.RANK_BY:
            return Response(
                {"rank": [_("排名依据须是以下之一：%(v)s。") % {"v": "、".join(board.RANK_BY)}]},
                status=400,
            )
        data = board.dashboard(request.user, unit, period, rank)
        data["period_error"] = error
        data["available"] = [
            {
                "key": s.key,
                "label": str(s.label),
                "dimensions": {k: str(v) for k, v in s.dimensions.items()},
            }
            for s in selectors.visible_sources(request.user)
        ]
        return Response(data)


class StatsSourceView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="一个统计项按各维度、下级单位和月份的分解",
        parameters=SCOPE_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, key: str):
        unit, period, error = _scope(request)
        if error:
            # The page shows a default period beside the message; the API refuses.
            return Response({"period": [str(error)]}, status=400)
        src = selectors.visible_source(request.user, key)
        if src is None:
            raise Http404
        user = request.user
        total = selectors.total(src, unit.path, period)
        children, own = selectors.by_child(src, unit, period)
        selectors.suppress(user, [*children, own])
        selectors.suppress(user, [total])
        months = selectors.by_month(src, unit.path, months_between(period.start, period.end))
        return Response(
            {
                "source": src.key,
                "label": str(src.label),
                "unit": {"id": unit.pk, "name": unit.name},
                "period": {"kind": period.kind, "start": period.start, "end": period.last},
                "period_error": error,
                "total": total.shown,
                "dimensions": {
                    dim: _cells(
                        selectors.suppress(
                            user, selectors.by_dimension(src, unit.path, dim, period)
                        )
                    )
                    for dim in src.dimensions
                },
                "children": _cells(children),
                "own": own.shown,
                "months": _cells(selectors.suppress(user, months)),
            }
        )
