"""Pages of target assessment: indicators (the setting unit), the board of its child units'
scores for a year with their ranking and Excel export, and one score with its evidence (the
assessed unit enters, the setting unit adjusts)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core import audit
from jinguo.core.exports import rows_to_workbook, xlsx_response
from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.core.scoping import permitted_actions
from jinguo.stats import selectors as stats

from .. import selectors
from ..filtersets import AssessmentFilterSet, IndicatorFilterSet
from ..forms import AssessmentAdjustForm, AssessmentEnterForm, IndicatorForm
from ..models import Assessment, Indicator
from ..services import assessment as services
from ..tables import AssessmentTable, IndicatorTable, shown_actual

T = "notices/assessment/"


class IndicatorListView(ObjectListView):
    model = Indicator
    filterset_class = IndicatorFilterSet
    table_class = IndicatorTable
    title = gettext_lazy("考核指标")
    create_url_name = "notices:indicator_create"

    def get_queryset(self):
        return super().get_queryset().select_related("org")


class IndicatorCreateView(ServiceFormView):
    form_class = IndicatorForm
    permission_required = "notices.add_indicator"
    title = gettext_lazy("设置考核指标")
    success_message = gettext_lazy("指标已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["sources"] = [(s.key, s.label) for s in stats.visible_sources(self.request.user)]
        return kwargs

    def get_initial(self):
        return {"year": timezone.localdate().year, "weight": 10, "direction": "higher"}

    def perform(self, form):
        return services.indicator_create(user=self.request.user, **form.cleaned_data)


class IndicatorDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        qs = Indicator.objects.restrict(request.user, "view").select_related("org", "created_by")
        indicator = get_object_or_404(qs, pk=pk)
        rows = (
            Assessment.objects.restrict(request.user, "view")
            .filter(indicator=indicator)
            .select_related("org")
            .order_by("-score", "org_path")
        )
        can_compute = indicator.org_id == request.user.home_unit_id and "change" in (
            permitted_actions(request.user, indicator, ("change",))
        )
        return render(
            request,
            T + "indicator_detail.html",
            {
                "title": indicator.name,
                "indicator": indicator,
                "rows": [(a, shown_actual(a, request)) for a in rows],
                "can_compute": can_compute,
            },
        )


class IndicatorComputeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        indicator = get_object_or_404(Indicator.objects.restrict(request.user, "change"), pk=pk)
        try:
            n = services.assessment_compute(user=request.user, indicator=indicator)
            messages.success(request, _("已为 %(n)d 个下级单位计算得分。") % {"n": n})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(indicator.get_absolute_url())


class AssessmentListView(ObjectListView):
    model = Assessment
    filterset_class = AssessmentFilterSet
    table_class = AssessmentTable
    title = gettext_lazy("考核得分")

    def get_queryset(self):
        return super().get_queryset().select_related("indicator", "org")


def _assessment(request, pk):
    qs = Assessment.objects.restrict(request.user, "view").select_related(
        "indicator", "indicator__org", "org", "entered_by", "adjusted_by"
    )
    return get_object_or_404(qs, pk=pk)


def assessment_context(request, assessment, *, enter_form=None, adjust_form=None) -> dict:
    user = request.user
    indicator = assessment.indicator
    actions = permitted_actions(user, assessment, ("change", "adjust"))
    can_enter = (
        "change" in actions and not indicator.computed and assessment.org_id == user.home_unit_id
    )
    can_adjust = "adjust" in actions and indicator.org_id == user.home_unit_id
    return {
        "title": f"{assessment.org.name} · {indicator.name}",
        "a": assessment,
        "indicator": indicator,
        "actual": shown_actual(assessment, request),
        "enter_form": (enter_form or AssessmentEnterForm(user=user)) if can_enter else None,
        "adjust_form": (adjust_form or AssessmentAdjustForm(user=user)) if can_adjust else None,
    }


class AssessmentDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        assessment = _assessment(request, pk)
        return render(
            request, T + "assessment_detail.html", assessment_context(request, assessment)
        )


class AssessmentStepView(LoginRequiredMixin, View):
    """POST: the assessed unit enters its figure, or the setting unit adjusts the score."""

    step = ""

    def post(self, request, pk):
        assessment = _assessment(request, pk)
        if self.step == "enter":
            form = AssessmentEnterForm(request.POST, user=request.user)
            call, key = services.assessment_enter, "enter_form"
        else:
            form = AssessmentAdjustForm(request.POST, user=request.user)
            call, key = services.assessment_adjust, "adjust_form"
        ctx = assessment_context(request, assessment)
        if ctx[key] is None:
            raise Http404
        if form.is_valid():
            try:
                call(user=request.user, assessment=assessment, **form.cleaned_data)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, "；".join(exc.messages))
                    return redirect(assessment.get_absolute_url())
                form.add_service_error(exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect(assessment.get_absolute_url())
        ctx[key] = form
        return render(request, T + "assessment_detail.html", ctx)


def _year(request) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


class BoardView(LoginRequiredMixin, View):
    """考核排名: her unit's child units ranked by their total score for a year."""

    def get(self, request):
        user = request.user
        if not user.has_perm("notices.view_indicator") or user.home_unit is None:
            raise PermissionDenied
        year = _year(request)
        data = selectors.assessment_board(user, user.home_unit, year)
        if request.GET.get("export") == "xlsx":
            return self.export(request, year, data)
        own = (
            Assessment.objects.restrict(user, "view")
            .filter(org=user.home_unit, indicator__year=year)
            .select_related("indicator", "indicator__org")
        )
        return render(
            request,
            T + "board.html",
            {
                "title": _("目标考核"),
                "year": year,
                "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
                "own": [(a, shown_actual(a, request)) for a in own],
                "can_export": user.has_perm("core.export"),
                **data,
            },
        )

    def export(self, request, year, data):
        if not request.user.has_perm("core.export"):
            raise PermissionDenied
        header = [_("排名"), _("单位"), *(f"{i.name}（{i.weight}）" for i in data["indicators"])]
        header.append(_("总分"))
        rows = [
            [
                row["rank"],
                row["unit"].name,
                *(str(c.final_score) if c else "" for c in row["cells"]),
                str(row["total"]),
            ]
            for row in data["rows"]
        ]
        title = _("%(year)d年度目标考核") % {"year": year}
        content, count = rows_to_workbook(header, rows, title)
        audit.record_access(
            request.user,
            request.user.home_unit,
            action="export",
            rows=count,
            report="assessment_board",
            year=year,
        )
        return xlsx_response(content, title)


urlpatterns = [
    path("assessment/", BoardView.as_view(), name="assessment_board"),
    path("assessment/scores/", AssessmentListView.as_view(), name="assessment_list"),
    path("assessment/scores/<int:pk>/", AssessmentDetailView.as_view(), name="assessment_detail"),
    path(
        "assessment/scores/<int:pk>/enter/",
        AssessmentStepView.as_view(step="enter"),
        name="assessment_enter",
    ),
    path(
        "assessment/scores/<int:pk>/adjust/",
        AssessmentStepView.as_view(step="adjust"),
        name="assessment_adjust",
    ),
    path("assessment/indicators/", IndicatorListView.as_view(), name="indicator_list"),
    path("assessment/indicators/new/", IndicatorCreateView.as_view(), name="indicator_create"),
    path("assessment/indicators/<int:pk>/", IndicatorDetailView.as_view(), name="indicator_detail"),
    path(
        "assessment/indicators/<int:pk>/compute/",
        IndicatorComputeView.as_view(),
        name="indicator_compute",
    ),
]
