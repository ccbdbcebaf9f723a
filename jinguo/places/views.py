"""Pages of service places. Loaded through restrict(); out of scope is 404. A confidential
place's address is rendered only for those ``selectors.may_locate`` names."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core import audit
from jinguo.core.exports import rows_to_workbook, xlsx_response
from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.core.ids import valid_id
from jinguo.core.scoping import permitted_actions
from jinguo.orgs.models import OrgUnit

from . import forms, imports, photos, selectors, services
from .choices import CoverageLevel
from .filtersets import PlaceFilterSet
from .models import Place, PlaceCheck, PlaceKind
from .tables import PlaceTable

# --- places ----------------------------------------------------------------------------------


class PlaceListView(ObjectListView):
    model = Place
    filterset_class = PlaceFilterSet
    table_class = PlaceTable
    title = gettext_lazy("服务阵地")
    export_name = gettext_lazy("服务阵地")
    create_url_name = "places:place_create"

    def get_queryset(self):
        return selectors.visible_places(self.request.user)


class PlaceFormMixin:
    form_class = forms.PlaceForm
    template_name = "places/form.html"

    def get_success_url(self, result=None):
        return reverse("places:place_detail", args=[result.pk])


class PlaceCreateView(PlaceFormMixin, ServiceFormView):
    permission_required = "places.add_place"
    title = gettext_lazy("新建服务阵地")
    success_message = gettext_lazy("服务阵地已保存。")

    def get_initial(self):
        initial = {"org": self.request.user.home_unit_id, "is_active": True}
        kind = self.request.GET.get("kind")
        if kind and valid_id(kind):
            initial["kind"] = int(kind)
        return initial

    def perform(self, form):
        return services.place_create(user=self.request.user, **form.cleaned_data)


class PlaceUpdateView(PlaceFormMixin, ServiceFormView):
    permission_required = "places.change_place"
    title = gettext_lazy("修改服务阵地")
    success_message = gettext_lazy("服务阵地已保存。")

    def get_object(self):
        if not hasattr(self, "_object"):
            qs = selectors.visible_places(self.request.user, "change")
            self._object = get_object_or_404(qs, pk=self.kwargs["pk"])
            self._located = selectors.may_locate(self.request.user, self._object)
        return self._object

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True, "located": self._located}

    def get_initial(self):
        p = self.get_object()
        initial = {
            "name": p.name,
            "opening_hours": p.opening_hours,
            "latitude": p.latitude,
            "longitude": p.longitude,
            "volunteers": p.volunteers,
            "is_public": p.is_public,
            "is_active": p.is_active,
            "shelter": p.shelter_id,
            "staff": list(p.staff.values_list("pk", flat=True)),
        }
        if self._located:
            initial.update(address=p.address, phone=p.phone)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = reverse("places:place_detail", args=[self.get_object().pk])
        ctx["intro"] = self.get_object().kind.name
        return ctx

    def perform(self, form):
        data = dict(form.cleaned_data)
        if not self._located:
            # She may edit the place without ever reading where it is: blank keeps it.
            if not data.get("address"):
                data["address"] = None
            if not data.get("phone"):
                data["phone"] = self.get_object().phone
        return services.place_update(user=self.request.user, place=self.get_object(), **data)


class PlaceDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        if not valid_id(str(pk)):
            raise Http404
        place, located = selectors.place_open(request.user, pk)
        allowed = permitted_actions(request.user, place, ("change",))
        can_change = "change" in allowed
        items = list(place.kind.items.filter(is_active=True))
        checks = {
            c.item_id: c
            for c in PlaceCheck.objects.filter(place=place).select_related("checked_by")
        }
        return render(
            request,
            "places/place_detail.html",
            {
                "title": place.name,
                "place": place,
                "located": located,
                "address_hidden": forms.ADDRESS_HIDDEN,
                "standard": [(i, checks.get(i.pk)) for i in items],
                "activities": place.activities.select_related("recorded_by")[:20],
                "staff": place.staff.select_related("home_unit"),
                "volunteers": [v for v in place.volunteers.splitlines() if v.strip()],
                "can_change": can_change and request.user.has_perm("places.change_place"),
                "can_check": can_change and request.user.has_perm("places.check_place"),
                "can_log": can_change and request.user.has_perm("places.add_placeactivity"),
                "photos": place.photos.all() if located else [],
                "photos_hidden": not located and place.photos.exists(),
            },
        )


class PlaceChildMixin:
    """A form hanging off one place the user may change (404 otherwise)."""

    template_name = "places/form.html"

    def get_place(self):
        if not hasattr(self, "_place"):
            qs = selectors.visible_places(self.request.user, "change")
            self._place = get_object_or_404(qs, pk=self.kwargs["pk"])
        return self._place

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.get_place()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        place = self.get_place()
        ctx["intro"] = f"{place.name} · {place.kind.name}"
        ctx["cancel_url"] = reverse("places:place_detail", args=[place.pk])
        return ctx

    def get_success_url(self, result=None):
        return reverse("places:place_detail", args=[self.get_place().pk])


class PlaceCheckView(PlaceChildMixin, ServiceFormView):
    form_class = forms.PlaceCheckForm
    template_name = "places/check_form.html"
    permission_required = "places.check_place"
    title = gettext_lazy("核查建设标准")
    success_message = gettext_lazy("核查结果已保存。")

    def get_form_kwargs(self):
        place = self.get_place()
        kwargs = super().get_form_kwargs()
        kwargs["items"] = place.kind.items.filter(is_active=True)
        kwargs["current"] = {c.item_id: c for c in PlaceCheck.objects.filter(place=place)}
        return kwargs

    def perform(self, form):
        return services.place_check(
            user=self.request.user,
            place=self.get_place(),
            results=form.results(),
            notes=form.notes(),
            checked_on=form.cleaned_data["checked_on"],
        )


class ActivityAddView(PlaceChildMixin, ServiceFormView):
    form_class = forms.ActivityForm
    permission_required = "places.add_placeactivity"
    title = gettext_lazy("登记阵地活动")
    success_message = gettext_lazy("活动已登记。")

    def perform(self, form):
        return services.activity_add(
            user=self.request.user, place=self.get_place(), **form.cleaned_data
        )


# --- import ----------------------------------------------------------------------------------


class PlaceImportView(LoginRequiredMixin, View):
    def _require(self, request):
        if not (
            request.user.has_perm("places.import_place")
            and request.user.has_perm("places.add_place")
        ):
            raise PermissionDenied

    def get(self, request):
        self._require(request)
        if request.GET.get("template"):
            return xlsx_response(imports.template_workbook(request.user), _("服务阵地导入模板"))
        return self.show(request, forms.PlaceImportForm(user=request.user))

    def post(self, request):
        self._require(request)
        form = forms.PlaceImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = upload.read(imports.MAX_UPLOAD_BYTES + 1)
                n = imports.place_import(user=request.user, data=data, filename=upload.name)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("已导入 %(n)d 个服务阵地。") % {"n": n})
                return redirect("places:place_list")
        return self.show(request, form)

    def show(self, request, form):
        return render(
            request,
            "places/import.html",
            {"title": _("导入服务阵地"), "form": form, "cancel_url": reverse("places:place_list")},
        )


# --- coverage ----------------------------------------------------------------------------------


def _coverage_scope(request):
    """(form, unit, level) from the query; the unit must be in her scope (else her own)."""
    user = request.user
    if not user.has_perm("places.view_place") or not user.has_perm("orgs.view_orgunit"):
        raise PermissionDenied
    form = forms.CoverageForm(request.GET or None, user=user)
    unit, level = None, CoverageLevel.COMMUNITY
    if form.is_bound and form.is_valid():
        unit = form.cleaned_data.get("unit")
        level = form.cleaned_data.get("level") or level
    if unit is None:
        unit = OrgUnit.objects.restrict(user, "view").filter(pk=user.home_unit_id).first()
    if unit is None:
        raise PermissionDenied
    return form, unit, level


class CoverageView(LoginRequiredMixin, View):
    def get(self, request):
        form, unit, level = _coverage_scope(request)
        result = selectors.coverage(request.user, unit, level)
        if request.GET.get("export") == "xlsx":
            return self.export(request, result)
        return render(
            request,
            "places/coverage.html",
            {
                "title": _("阵地覆盖率"),
                "form": form,
                "coverage": result,
                "level_label": CoverageLevel(level).label,
                "rows": [(r.unit, r.cell_list(result.kinds)) for r in result.rows],
                "total": result.total.cell_list(result.kinds),
                "query_string": request.GET.urlencode(),
                "can_export": request.user.has_perm("core.export"),
            },
        )

    def export(self, request, result):
        if not request.user.has_perm("core.export"):
            raise PermissionDenied
        header = [_("单位")]
        for k in result.kinds:
            header += [
                _("%(kind)s 达标数") % {"kind": k.name},
                _("%(kind)s 应建数") % {"kind": k.name},
                _("%(kind)s 覆盖率") % {"kind": k.name},
            ]
        rows = []
        for row in [*result.rows, result.total]:
            line = [row.unit.name if row is not result.total else _("合计")]
            for _k, cell in row.cell_list(result.kinds):
                line += [cell.covered, cell.total, f"{cell.percent}%" if cell.total else "—"]
            rows.append(line)
        content, count = rows_to_workbook(header, rows, _("阵地覆盖率"))
        audit.record_access(
            request.user,
            action="export",
            object_type="places.coverage",
            rows=count,
            filters={"unit": result.unit.pk, "level": result.level},
        )
        return xlsx_response(content, _("阵地覆盖率"))


class CoverageGapsView(LoginRequiredMixin, View):
    LIMIT = 500

    def get(self, request):
        _form, unit, level = _coverage_scope(request)
        kind_id = request.GET.get("kind", "")
        if not valid_id(kind_id):
            raise Http404
        kind = get_object_or_404(PlaceKind, pk=int(kind_id))
        gaps = selectors.coverage_gaps(unit, kind, level)
        total = gaps.count()
        return render(
            request,
            "places/coverage_gaps.html",
            {
                "title": _("未达标的单位"),
                "unit": unit,
                "kind": kind,
                "level_label": CoverageLevel(level).label,
                "gaps": gaps.select_related("parent")[: self.LIMIT],
                "total": total,
                "limit": self.LIMIT,
                "back": reverse("places:coverage") + f"?unit={unit.pk}&level={level}",
            },
        )


# --- kinds and standards (configuration) ------------------------------------------------------


class KindListView(LoginRequiredMixin, View):
    def get(self, request):
        if not request.user.has_perm("places.view_placekind"):
            raise PermissionDenied
        kinds = PlaceKind.objects.prefetch_related("items").order_by("order", "pk")
        return render(
            request,
            "places/kind_list.html",
            {
                "title": _("阵地类型与标准"),
                "kinds": [(k, [i for i in k.items.all() if i.is_active]) for k in kinds],
                "can_change": request.user.has_perm("places.change_placekind"),
            },
        )


class KindUpdateView(ServiceFormView):
    form_class = forms.KindForm
    template_name = "places/form.html"
    permission_required = "places.change_placekind"
    title = gettext_lazy("修改阵地类型与标准")
    success_message = gettext_lazy("已保存；该类型的阵地已按新标准重新评定。")

    def get_kind(self):
        if not hasattr(self, "_kind"):
            self._kind = get_object_or_404(PlaceKind, pk=self.kwargs["pk"])
        return self._kind

    def get_initial(self):
        k = self.get_kind()
        items = k.items.filter(is_active=True).values_list("label", flat=True)
        return {
            "name": k.name,
            "description": k.description,
            "confidential": k.confidential,
            "is_active": k.is_active,
            "items": "\n".join(items),
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = reverse("places:kind_list")
        return ctx

    def perform(self, form):
        return services.kind_update(
            user=self.request.user, kind=self.get_kind(), **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return reverse("places:kind_list")


# --- photos ------------------------------------------------------------------------------------


class PhotoAddView(PlaceChildMixin, ServiceFormView):
    form_class = forms.PhotoForm
    permission_required = "places.change_place"
    title = gettext_lazy("上传阵地照片")
    success_message = gettext_lazy("照片已上传。")

    def perform(self, form):
        return photos.photo_add(
            user=self.request.user,
            place=self.get_place(),
            upload=form.cleaned_data["upload"],
            caption=form.cleaned_data["caption"],
        )


class PhotoView(LoginRequiredMixin, View):
    def get(self, request, pk):
        if not valid_id(str(pk)):
            raise Http404
        photo, data = photos.photo_read(user=request.user, pk=pk)
        response = HttpResponse(data, content_type=photo.content_type)
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
