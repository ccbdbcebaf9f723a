"""Instrument management: list, detail, edit (a new version once used), import from Excel with
its template, default and active switches. Platform configuration, gated by role permissions."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View

from jinguo.core.exports import xlsx_response

from ..forms.risk import InstrumentForm, InstrumentImportForm, ItemFormSet, items_initial
from ..models import Instrument, RiskAssessment
from ..services import risk_import, risk_instruments

TEMPLATES = "protection/risk/"


def _require(user, action: str) -> None:
    # Not found rather than forbidden, as for every page a user has no business on.
    if not user.has_perm(f"protection.{action}_instrument"):
        raise Http404


class InstrumentListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request.user, "view")
        instruments = Instrument.objects.annotate(
            item_count=Count("items", distinct=True)
        ).order_by("code", "-version")
        used = set(RiskAssessment.objects.values_list("instrument_id", flat=True).distinct())
        return render(
            request,
            TEMPLATES + "instrument_list.html",
            {
                "title": _("风险评估工具"),
                "instruments": instruments,
                "used": used,
                "can_add": request.user.has_perm("protection.add_instrument"),
            },
        )


class InstrumentDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        _require(request.user, "view")
        instrument = get_object_or_404(Instrument, pk=pk)
        return render(
            request,
            TEMPLATES + "instrument_detail.html",
            {
                "title": str(instrument),
                "instrument": instrument,
                "items": instrument.items.order_by("number"),
                "bands": sorted(instrument.bands.all(), key=lambda b: b.min_score),
                "versions": Instrument.objects.filter(code=instrument.code).order_by("-version"),
                "used": RiskAssessment.objects.filter(instrument=instrument).count(),
                "can_change": request.user.has_perm("protection.change_instrument"),
            },
        )


class InstrumentEditView(LoginRequiredMixin, View):
    """Create (no pk) or edit an instrument; items in a formset below the header."""

    def setup_instrument(self, request, pk):
        _require(request.user, "change" if pk else "add")
        return get_object_or_404(Instrument, pk=pk) if pk else None

    def get(self, request, pk=None):
        instrument = self.setup_instrument(request, pk)
        form = InstrumentForm(instrument=instrument, user=request.user)
        formset = ItemFormSet(initial=items_initial(instrument), prefix="items")
        return self.show(request, instrument, form, formset)

    def post(self, request, pk=None):
        instrument = self.setup_instrument(request, pk)
        form = InstrumentForm(request.POST, instrument=instrument, user=request.user)
        formset = ItemFormSet(request.POST, initial=items_initial(instrument), prefix="items")
        if form.is_valid() and formset.is_valid():
            items = [
                f.item()
                for f in formset.forms
                # An untouched extra row is empty (cleaned_data == {}).
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                saved = risk_instruments.instrument_save(
                    user=request.user,
                    spec=form.spec(items),
                    instrument=instrument,
                    is_active=instrument.is_active if instrument else True,
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                if instrument is not None and saved.pk != instrument.pk:
                    messages.success(
                        request,
                        _("该工具已被评估使用，修改已保存为第 %(v)d 版；以往评估仍按原版本显示。")
                        % {"v": saved.version},
                    )
                else:
                    messages.success(request, _("评估工具已保存。"))
                return redirect("protection:instrument_detail", saved.pk)
        return self.show(request, instrument, form, formset)

    def show(self, request, instrument, form, formset):
        return render(
            request,
            TEMPLATES + "instrument_form.html",
            {
                "title": _("修改评估工具") if instrument else _("新建评估工具"),
                "instrument": instrument,
                "form": form,
                "formset": formset,
                "used": bool(instrument and risk_instruments.is_used(instrument)),
                "cancel_url": reverse("protection:instrument_detail", args=[instrument.pk])
                if instrument
                else reverse("protection:instrument_list"),
            },
        )


class InstrumentImportView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request.user, "add")
        initial = {"code": "", "name": ""}
        return self.show(request, InstrumentImportForm(user=request.user, initial=initial))

    def post(self, request):
        _require(request.user, "add")
        form = InstrumentImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["upload"]
            try:
                data = upload.read(risk_import.MAX_UPLOAD_BYTES + 1)
                saved = risk_import.instrument_import(
                    user=request.user, data=data, filename=upload.name, spec=form.spec()
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("已导入 %(n)d 道题目，保存为“%(name)s”。")
                    % {"n": saved.items.count(), "name": saved},
                )
                return redirect("protection:instrument_detail", saved.pk)
        return self.show(request, form)

    def show(self, request, form):
        return render(
            request,
            TEMPLATES + "instrument_import.html",
            {
                "title": _("从 Excel 导入评估工具"),
                "form": form,
                "cancel_url": reverse("protection:instrument_list"),
            },
        )


class InstrumentTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request.user, "view")
        source = request.GET.get("from")
        instrument = None
        if source and source.isdigit() and len(source) < 12:
            instrument = Instrument.objects.filter(pk=int(source)).first()
        return xlsx_response(risk_import.template_workbook(instrument), _("评估工具导入模板"))


class InstrumentSwitchView(LoginRequiredMixin, View):
    """POST: make default (``default``), or activate/deactivate (``active`` = 1/0)."""

    def post(self, request, pk):
        _require(request.user, "change")
        instrument = get_object_or_404(Instrument, pk=pk)
        try:
            if "default" in request.POST:
                risk_instruments.instrument_set_default(user=request.user, instrument=instrument)
                messages.success(request, _("已设为默认评估工具。"))
            elif request.POST.get("active") in ("0", "1"):
                active = request.POST["active"] == "1"
                risk_instruments.instrument_set_active(
                    user=request.user, instrument=instrument, active=active
                )
                messages.success(request, _("已启用。") if active else _("已停用。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("protection:instrument_detail", instrument.pk)


urlpatterns = [
    path("instruments/", InstrumentListView.as_view(), name="instrument_list"),
    path("instruments/new/", InstrumentEditView.as_view(), name="instrument_create"),
    path("instruments/import/", InstrumentImportView.as_view(), name="instrument_import"),
    path("instruments/template/", InstrumentTemplateView.as_view(), name="instrument_template"),
    path("instruments/<int:pk>/", InstrumentDetailView.as_view(), name="instrument_detail"),
    path("instruments/<int:pk>/edit/", InstrumentEditView.as_view(), name="instrument_update"),
    path("instruments/<int:pk>/switch/", InstrumentSwitchView.as_view(), name="instrument_switch"),
]
