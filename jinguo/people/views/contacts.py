"""Pages of contact assignments: assign, change, end, my contacts, the unit's contact work."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from ..filtersets.contacts import ContactAssignmentFilterSet
from ..forms.contacts import ContactEndForm, ContactForm, ContactUpdateForm
from ..models import ContactAssignment, Visit
from ..selectors.common import can, within_home_subtree
from ..selectors.contacts import contact_rows, my_contact_rows
from ..services import contacts
from ..tables.contacts import ContactTable
from .common import RelatedFormView, TargetMixin


class ContactCreateView(TargetMixin, RelatedFormView):
    form_class = ContactForm
    permission_required = "people.add_contactassignment"
    template_name = "people/contact_form.html"
    title = gettext_lazy("指派联系人")
    success_message = gettext_lazy("联系人已指派。")

    def perform(self, form):
        return contacts.contact_assign(user=self.request.user, **form.cleaned_data)


class ContactUpdateView(RelatedFormView):
    model = ContactAssignment
    load_object = True
    form_class = ContactUpdateForm
    permission_required = "people.change_contactassignment"
    template_name = "people/contact_form.html"
    title = gettext_lazy("修改联系关系")
    success_message = gettext_lazy("联系关系已保存。")

    def get_object(self):
        obj = super().get_object()
        if obj.ended_on is not None:
            raise Http404
        return obj

    def get_initial(self):
        return {"visit_every_days": self.object.visit_every_days, "note": self.object.note}

    def perform(self, form):
        return contacts.contact_update(
            user=self.request.user, assignment=self.object, **form.cleaned_data
        )


class ContactEndView(ContactUpdateView):
    form_class = ContactEndForm
    title = gettext_lazy("结束联系")
    success_message = gettext_lazy("联系已结束，联系人的查看权限已收回。")

    def get_initial(self):
        return {}

    def perform(self, form):
        return contacts.contact_end(
            user=self.request.user, assignment=self.object, **form.cleaned_data
        )


class MyContactsView(LoginRequiredMixin, TemplateView):
    """我的联系户: a worker's assignments, overdue first; made for a phone."""

    template_name = "people/contact_mine.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        if not (
            user.has_perm("people.view_contactassignment") or user.has_perm("people.view_visit")
        ):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = my_contact_rows(self.request.user)
        ctx.update(
            title=_("我的联系户"),
            rows=rows,
            overdue=sum(1 for r in rows if r.is_overdue),
            can_add_visit=can(self.request.user, "add", Visit),
            can_view_unit=can(self.request.user, "view", ContactAssignment),
        )
        return ctx


class ContactListView(LoginRequiredMixin, TemplateView):
    """The unit-level view: every active assignment in the user's subtree, who is overdue."""

    template_name = "people/contact_list.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["core/partials/object_table.html"]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        if not request.user.has_perm("people.view_contactassignment"):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        base = within_home_subtree(ContactAssignment.objects.restrict(user, "view"), user)
        filterset = ContactAssignmentFilterSet(
            self.request.GET, queryset=base, request=self.request
        )
        rows = contact_rows(filterset.qs if filterset.is_valid() else base.none())
        if self.request.GET.get("overdue") == "1":
            rows = [r for r in rows if r.is_overdue]
        table = ContactTable(rows)
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        workers = {}
        for row in rows:
            if row.is_overdue:
                worker = row.assignment.worker
                workers.setdefault(worker.pk, [worker, 0])[1] += 1
        ctx.update(
            title=_("联系户走访情况"),
            table=table,
            filter=filterset,
            total=len(rows),
            overdue=sum(1 for r in rows if r.is_overdue),
            overdue_workers=sorted(workers.values(), key=lambda w: -w[1]),
        )
        return ctx
