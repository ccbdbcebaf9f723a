"""Pages of households: list, detail, create, edit, add and remove members."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.generic import ObjectDetailView, ObjectListView, ServiceFormView

from ..filtersets.households import HouseholdFilterSet
from ..forms.households import HouseholdCreateForm, HouseholdMemberForm, HouseholdUpdateForm
from ..models import ContactAssignment, Household, HouseholdMember, Visit
from ..selectors.common import can
from ..selectors.households import household_open
from ..selectors.persons import visible_persons
from ..selectors.visits import VISITS_ON_PERSON_PAGE
from ..services import households
from ..tables.households import HouseholdTable
from .common import RelatedFormView, safe_next


class HouseholdListView(ObjectListView):
    model = Household
    filterset_class = HouseholdFilterSet
    table_class = HouseholdTable
    title = gettext_lazy("家庭")
    create_url_name = "people:household_create"
    export_name = gettext_lazy("家庭")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("head", "org")
            .annotate(member_count=Count("members"))
            .order_by("name", "id")
        )


class HouseholdDetailView(ObjectDetailView):
    model = Household
    template_name = "people/household_detail.html"
    context_object_name = "household"

    def get_object(self, queryset=None):
        return household_open(
            self.request.user,
            self.kwargs["pk"],
            queryset=self.get_queryset() if queryset is None else queryset,
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, household = self.request.user, self.object
        members = list(
            HouseholdMember.objects.filter(household=household)
            .select_related("person")
            .order_by("joined_on", "id")
        )
        visible = set(
            visible_persons(user)
            .filter(pk__in=[m.person_id for m in members])
            .values_list("pk", flat=True)
        )
        can_change = (
            user.has_perm("people.change_household")
            and Household.objects.restrict(user, "change").filter(pk=household.pk).exists()
        )
        ctx.update(
            title=household.name,
            members=[(m, m.person_id in visible) for m in members],
            visits=Visit.objects.restrict(user, "view")
            .filter(household=household)
            .select_related("worker")[:VISITS_ON_PERSON_PAGE],
            contacts=ContactAssignment.objects.restrict(user, "view")
            .filter(household=household, ended_on__isnull=True)
            .select_related("worker", "worker__home_unit"),
            can_change=can_change,
            member_form=HouseholdMemberForm(user=user) if can_change else None,
            can_add_visit=can(user, "add", Visit),
            can_add_contact=can(user, "add", ContactAssignment),
            can_change_contact=can(user, "change", ContactAssignment),
        )
        return ctx


class HouseholdCreateView(ServiceFormView):
    form_class = HouseholdCreateForm
    permission_required = "people.add_household"
    template_name = "people/household_form.html"
    title = gettext_lazy("新建家庭")
    success_message = gettext_lazy("家庭已建立。")

    def perform(self, form):
        return households.household_create(user=self.request.user, **form.cleaned_data)


class HouseholdUpdateView(RelatedFormView):
    model = Household
    load_object = True
    form_class = HouseholdUpdateForm
    permission_required = "people.change_household"
    template_name = "people/household_form.html"
    success_message = gettext_lazy("家庭信息已保存。")

    def get_object(self):
        return get_object_or_404(
            Household.objects.restrict(self.request.user, "change"), pk=self.kwargs["pk"]
        )

    def get_initial(self):
        return {"name": self.object.name, "notes": self.object.notes}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "household": self.object}

    def get_context_data(self, **kwargs):
        self.title = _("编辑家庭：%(name)s") % {"name": self.object.name}
        return super().get_context_data(**kwargs)

    def target_url(self, obj):
        return obj.get_absolute_url()

    def perform(self, form):
        data = form.cleaned_data
        return households.household_update(
            user=self.request.user,
            household=self.object,
            name=data["name"],
            address=data["address"] or None,
            notes=data["notes"],
        )


class HouseholdMemberAddView(HouseholdUpdateView):
    form_class = HouseholdMemberForm
    success_message = gettext_lazy("成员已加入家庭。")

    def get_initial(self):
        pk = self.request.GET.get("person", "")
        return {"person": pk} if pk.isdigit() else {}

    def get_form_kwargs(self):
        return ServiceFormView.get_form_kwargs(self)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("添加家庭成员：%(name)s") % {"name": self.object.name}
        return ctx

    def perform(self, form):
        households.household_member_add(
            user=self.request.user, household=self.object, **form.cleaned_data
        )
        return self.object


class HouseholdMemberRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk, member_pk):
        if not request.user.has_perm("people.change_household"):
            raise Http404
        household = get_object_or_404(Household.objects.restrict(request.user, "change"), pk=pk)
        member = get_object_or_404(HouseholdMember, pk=member_pk, household=household)
        try:
            households.household_member_remove(
                user=request.user, household=household, member=member
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已将该成员移出家庭。"))
        return redirect(safe_next(request) or household.get_absolute_url())
