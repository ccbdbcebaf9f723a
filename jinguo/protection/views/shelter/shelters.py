"""Pages of shelters and stays. Loaded through restrict(); out of scope is 404. A shelter's
address is rendered only for those ``locatable_shelter_ids`` names."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.core.ids import valid_id
from jinguo.core.scoping import may, permitted_actions
from jinguo.people.models import Person

from ...filtersets.shelter import ShelterFilterSet, StayFilterSet
from ...forms import shelter as forms
from ...models import Shelter, ShelterStay
from ...selectors import shelter as selectors
from ...services import shelter as services
from ...tables.shelter import ShelterTable, StayTable, occupancy_percent

# --- shelters ---------------------------------------------------------------------------------


class ShelterListView(ObjectListView):
    model = Shelter
    filterset_class = ShelterFilterSet
    table_class = ShelterTable
    title = gettext_lazy("庇护场所")
    export_name = gettext_lazy("庇护场所")
    create_url_name = "protection:shelter_create"

    def get_queryset(self):
        return selectors.shelters_with_occupancy(self.request.user)


class ShelterFormMixin:
    form_class = forms.ShelterForm
    template_name = "protection/shelter/form.html"

    def get_success_url(self, result=None):
        return reverse("protection:shelter_detail", args=[result.pk])


class ShelterCreateView(ShelterFormMixin, ServiceFormView):
    permission_required = "protection.add_shelter"
    title = gettext_lazy("新建庇护场所")
    success_message = gettext_lazy("庇护场所已保存。")

    def get_initial(self):
        return {"org": self.request.user.home_unit_id, "is_active": True}

    def perform(self, form):
        return services.shelter_create(user=self.request.user, **form.cleaned_data)


class ShelterUpdateView(ShelterFormMixin, ServiceFormView):
    permission_required = "protection.change_shelter"
    title = gettext_lazy("修改庇护场所")
    success_message = gettext_lazy("庇护场所已保存。")

    def get_object(self):
        if not hasattr(self, "_object"):
            qs = Shelter.objects.restrict(self.request.user, "change")
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
        s = self.get_object()
        initial = {
            "name": s.name,
            "agency": s.agency_id,
            "rooms": s.rooms,
            "beds": s.beds,
            "is_active": s.is_active,
            "staff": list(s.staff.values_list("pk", flat=True)),
        }
        if self._located:
            initial.update(address=s.address, phone=s.phone)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = reverse("protection:shelter_detail", args=[self.get_object().pk])
        return ctx

    def perform(self, form):
        data = dict(form.cleaned_data)
        if not self._located and not data.get("phone"):
            data["phone"] = None  # keep what she cannot see
        return services.shelter_update(user=self.request.user, shelter=self.get_object(), **data)


class ShelterDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        shelter, located = selectors.shelter_open(request.user, pk)
        stays = (
            selectors.visible_stays(request.user)
            .filter(shelter=shelter, left_at__isnull=True)
            .prefetch_related("children")
            .order_by("planned_leave_on")
        )
        return render(
            request,
            "protection/shelter/shelter_detail.html",
            {
                "title": shelter.name,
                "shelter": shelter,
                "located": located,
                "address_hidden": forms.ADDRESS_HIDDEN,
                "percent": occupancy_percent(shelter),
                "stays": stays,
                "today": timezone.localdate(),
                "staff": shelter.staff.select_related("home_unit"),
                "can_change": request.user.has_perm("protection.change_shelter")
                and may(request.user, "change", shelter),
                "can_admit": request.user.has_perm("protection.add_shelterstay")
                and shelter.is_active,
            },
        )


# --- stays --------------------------------------------------------------------------------------


class StayListView(ObjectListView):
    model = ShelterStay
    filterset_class = StayFilterSet
    table_class = StayTable
    title = gettext_lazy("庇护入住")
    export_name = gettext_lazy("庇护入住")

    def get_queryset(self):
        return selectors.visible_stays(self.request.user).prefetch_related("children")


class StayAdmitView(ServiceFormView):
    form_class = forms.StayAdmitForm
    template_name = "protection/shelter/form.html"
    permission_required = "protection.add_shelterstay"
    title = gettext_lazy("登记庇护入住")
    success_message = gettext_lazy("入住已登记。")

    def get_person(self):
        if not hasattr(self, "_person"):
            pk = self.request.POST.get("person") or self.request.GET.get("person")
            qs = Person.objects.restrict(self.request.user, "view").filter(is_active=True)
            self._person = qs.filter(pk=pk).first() if valid_id(pk or "") else None
            if self._person is None:
                raise Http404
        return self._person

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["person"] = self.get_person()
        kwargs["shelters"] = selectors.shelters_with_occupancy(self.request.user).filter(
            is_active=True
        )
        return kwargs

    def get_initial(self):
        initial = {"person": self.get_person().pk}
        for name in ("shelter", "case"):
            value = self.request.GET.get(name)
            if valid_id(value or ""):
                initial[name] = int(value)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        person = self.get_person()
        ctx["intro"] = _("当事人：%(name)s") % {"name": person.masked_name}
        ctx["cancel_url"] = person.get_absolute_url()
        return ctx

    def perform(self, form):
        return services.stay_admit(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("protection:shelterstay_detail", args=[result.pk])


class StayDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        stay = selectors.stay_open(user, pk)
        located = selectors.may_locate(user, stay.shelter)
        allowed = permitted_actions(user, stay, ("change",))
        open_ = stay.left_at is None
        return render(
            request,
            "protection/shelter/stay_detail.html",
            {
                "title": _("庇护入住"),
                "stay": stay,
                "shelter": stay.shelter,
                "located": located,
                "address_hidden": forms.ADDRESS_HIDDEN,
                "children": stay.children.all(),
                "overdue": open_ and stay.planned_leave_on < timezone.localdate(),
                "can_change": open_ and "change" in allowed,
                "can_share": open_ and located,
                "location_shares": services.location_shares(stay) if located else (),
                "can_open_shelter": may(user, "view", stay.shelter),
                "can_open_person": may(user, "view", stay.person),
                "can_open_case": stay.case_id is not None and may(user, "view", stay.case),
            },
        )


class StayFormMixin:
    template_name = "protection/shelter/form.html"

    def get_stay(self):
        if not hasattr(self, "_stay"):
            qs = ShelterStay.objects.restrict(self.request.user, self.stay_action)
            self._stay = get_object_or_404(
                qs.select_related("shelter", "person"), pk=self.kwargs["pk"]
            )
        return self._stay

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.get_stay()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        stay = self.get_stay()
        ctx["intro"] = _("%(name)s · %(shelter)s") % {
            "name": stay.person.masked_name,
            "shelter": stay.shelter.name,
        }
        ctx["cancel_url"] = reverse("protection:shelterstay_detail", args=[stay.pk])
        return ctx

    def get_success_url(self, result=None):
        return reverse("protection:shelterstay_detail", args=[self.get_stay().pk])


class StayUpdateView(StayFormMixin, ServiceFormView):
    form_class = forms.StayUpdateForm
    stay_action = "change"
    title = gettext_lazy("修改入住信息")
    success_message = gettext_lazy("入住信息已保存。")

    def get_initial(self):
        s = self.get_stay()
        return {"version": s.version, "planned_leave_on": s.planned_leave_on, "reason": s.reason}

    def perform(self, form):
        return services.stay_update(
            user=self.request.user, stay=self.get_stay(), **form.cleaned_data
        )


class StayLeaveView(StayFormMixin, ServiceFormView):
    form_class = forms.StayLeaveForm
    stay_action = "change"
    title = gettext_lazy("登记离开")
    success_message = gettext_lazy("离开已登记。")

    def get_initial(self):
        return {"version": self.get_stay().version}

    def perform(self, form):
        return services.stay_leave(
            user=self.request.user, stay=self.get_stay(), **form.cleaned_data
        )


class StayShareView(StayFormMixin, ServiceFormView):
    form_class = forms.StayShareForm
    stay_action = "view"
    title = gettext_lazy("共享庇护地址")
    success_message = gettext_lazy("已共享。对方在当事人离开前可以看到本庇护场所的地址。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.may_locate(
            request.user, self.get_stay().shelter
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        services.stay_share_location(
            user=self.request.user, stay=self.get_stay(), **form.cleaned_data
        )
        return self.get_stay()


class StayShareRevokeView(LoginRequiredMixin, View):
    """POST from the stay page: end one colleague's access to the address."""

    def post(self, request, pk, share_pk):
        stay = get_object_or_404(ShelterStay.objects.restrict(request.user, "view"), pk=pk)
        if not selectors.may_locate(request.user, stay.shelter):
            raise Http404
        try:
            services.stay_revoke_location(
                user=request.user,
                stay=stay,
                share_id=share_pk,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已撤销，对方不再能看到本庇护场所的地址。"))
        return redirect("protection:shelterstay_detail", pk=stay.pk)
