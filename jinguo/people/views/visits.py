"""Pages of visits: list, detail, record, edit."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.core.generic import ObjectDetailView, ObjectListView

from ..filtersets.visits import VisitFilterSet
from ..forms.visits import VisitForm
from ..models import Visit
from ..selectors.households import visible_households
from ..selectors.persons import visible_persons
from ..selectors.visits import visit_open
from ..services import visits
from ..tables.visits import VisitTable
from .common import RelatedFormView, TargetMixin


class VisitListView(ObjectListView):
    model = Visit
    filterset_class = VisitFilterSet
    table_class = VisitTable
    title = gettext_lazy("走访记录")
    export_name = gettext_lazy("走访记录")

    def get_queryset(self):
        return (
            Visit.objects.restrict(self.request.user, self.action)
            .select_related("person", "household", "worker", "org")
            .order_by("-visited_on", "-id")
        )


class VisitDetailView(ObjectDetailView):
    model = Visit
    template_name = "people/visit_detail.html"
    context_object_name = "visit"

    def get_queryset(self):
        return Visit.objects.restrict(self.request.user, "view").select_related(
            "person", "household", "worker", "org"
        )

    def get_object(self, queryset=None):
        return visit_open(
            self.request.user,
            self.kwargs["pk"],
            queryset=self.get_queryset() if queryset is None else queryset,
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, visit = self.request.user, self.object
        ctx.update(
            title=_("走访记录 %(date)s") % {"date": visit.visited_on.isoformat()},
            can_change=user.has_perm("people.change_visit")
            and Visit.objects.restrict(user, "change").filter(pk=visit.pk).exists(),
            person_visible=bool(visit.person_id)
            and visible_persons(user).filter(pk=visit.person_id).exists(),
            household_visible=bool(visit.household_id)
            and visible_households(user).filter(pk=visit.household_id).exists(),
        )
        return ctx


class VisitCreateView(TargetMixin, RelatedFormView):
    form_class = VisitForm
    permission_required = "people.add_visit"
    template_name = "people/visit_form.html"
    title = gettext_lazy("记录走访")
    success_message = gettext_lazy("走访已记录。")

    def get_initial(self):
        return {**super().get_initial(), "worker": self.request.user.pk}

    def perform(self, form):
        return visits.visit_create(user=self.request.user, **form.cleaned_data)


class VisitUpdateView(RelatedFormView):
    model = Visit
    load_object = True
    form_class = VisitForm
    permission_required = "people.change_visit"
    template_name = "people/visit_form.html"
    title = gettext_lazy("修改走访记录")
    success_message = gettext_lazy("走访记录已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "with_target": False}

    def get_initial(self):
        v = self.object
        return {f: getattr(v, f) for f in visits.UPDATABLE}

    def perform(self, form):
        return visits.visit_update(user=self.request.user, visit=self.object, **form.cleaned_data)

    def target_url(self, obj):
        return reverse("people:visit_detail", args=[obj.pk])
