"""Pages of households, key-focus tags and their reviews, tag types, visits, consents, contacts.

Views are thin: a scoped object (404 outside scope), a form, one service call. Records that
hang off a person come from restrict() too, which lets a worker assigned to the person reach
them. After a save the user returns to ``?next=`` (a page of this site) or to the person's or
household's page.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from jinguo.core.generic import ObjectDetailView, ObjectListView, ServiceFormView

from .filtersets.contacts import ContactAssignmentFilterSet
from .filtersets.households import HouseholdFilterSet
from .filtersets.tags import FocusTagTypeFilterSet, PersonTagFilterSet
from .filtersets.visits import VisitFilterSet
from .forms.consents import ConsentForm, ConsentWithdrawForm
from .forms.contacts import ContactEndForm, ContactForm, ContactUpdateForm
from .forms.households import HouseholdCreateForm, HouseholdMemberForm, HouseholdUpdateForm
from .forms.tags import (
    TagCreateForm,
    TagEndForm,
    TagReviewForm,
    TagTypeCreateForm,
    TagTypeUpdateForm,
    TagUpdateForm,
)
from .forms.visits import VisitForm
from .models import (
    Consent,
    ContactAssignment,
    FocusTagType,
    Household,
    HouseholdMember,
    PersonTag,
    Visit,
)
from .selectors.common import can, within_home_subtree
from .selectors.contacts import contact_rows, my_contact_rows
from .selectors.households import household_open, visible_households
from .selectors.persons import visible_persons
from .selectors.tags import REVIEW_WINDOW_DAYS, review_counts, review_queryset
from .selectors.visits import VISITS_ON_PERSON_PAGE, visit_open
from .services import consents, contacts, households, tags, visits
from .tables.contacts import ContactTable
from .tables.households import HouseholdTable
from .tables.tags import FocusTagTypeTable, ReviewTable
from .tables.visits import VisitTable


def person_url(person_id: int) -> str:
    return reverse("people:person_detail", args=[person_id])


def safe_next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


class RelatedFormView(ServiceFormView):
    """A service form that returns to ``?next=`` or to the record's person/household page."""

    model = None
    scope_action = "change"
    load_object = False
    template_name = "people/partials/person_related_form.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if (
            self.load_object
            and user.is_authenticated
            and (not self.permission_required or user.has_perm(self.permission_required))
        ):
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(
            self.model.objects.restrict(self.request.user, self.scope_action), pk=self.kwargs["pk"]
        )

    def target_url(self, obj) -> str:
        person_id = getattr(obj, "person_id", None)
        if person_id and visible_persons(self.request.user).filter(pk=person_id).exists():
            return person_url(person_id)
        household_id = getattr(obj, "household_id", None)
        if household_id and visible_households(self.request.user).filter(pk=household_id).exists():
            return reverse("people:household_detail", args=[household_id])
        return reverse("people:review_list")

    def get_success_url(self, result=None):
        return safe_next(self.request) or self.target_url(result)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = getattr(self, "object", None)
        ctx["next_url"] = safe_next(self.request)
        ctx["cancel_url"] = ctx["next_url"] or (self.target_url(obj) if obj else "")
        ctx["object"] = obj
        return ctx


class TargetMixin:
    """The person (``?person=``) or household (``?household=``) a new record is for."""

    def _target_pk(self, key):
        value = self.request.POST.get(key) or self.request.GET.get(key) or ""
        return int(value) if value.isdigit() else None

    def target_person(self):
        pk = self._target_pk("person")
        return visible_persons(self.request.user).filter(pk=pk).first() if pk else None

    def target_household(self):
        pk = self._target_pk("household")
        return visible_households(self.request.user).filter(pk=pk).first() if pk else None

    def get_initial(self):
        initial = super().get_initial()
        for key in ("person", "household"):
            if pk := self._target_pk(key):
                initial[key] = pk
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["target_person"] = self.target_person()
        ctx["target_household"] = self.target_household()
        return ctx

    def target_url(self, obj):
        if obj is None:
            person, household = self.target_person(), self.target_household()
            if person:
                return person_url(person.pk)
            if household:
                return household.get_absolute_url()
            return reverse("people:review_list")
        return super().target_url(obj)


# --- households ---------------------------------------------------------------------------


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


# --- tags and reviews ---------------------------------------------------------------------


class TagCreateView(TargetMixin, RelatedFormView):
    form_class = TagCreateForm
    permission_required = "people.add_persontag"
    template_name = "people/tag_form.html"
    title = gettext_lazy("添加关注标签")
    success_message = gettext_lazy("关注标签已添加。")

    def perform(self, form):
        return tags.tag_add(user=self.request.user, **form.cleaned_data)


class TagUpdateView(RelatedFormView):
    model = PersonTag
    load_object = True
    form_class = TagUpdateForm
    permission_required = "people.change_persontag"
    template_name = "people/tag_form.html"
    title = gettext_lazy("编辑关注标签")
    success_message = gettext_lazy("关注标签已保存。")

    def get_object(self):
        tag = super().get_object()
        if tag.ended_on is not None:
            raise Http404
        return tag

    def get_initial(self):
        tag = self.object
        return {
            "reason": tag.reason,
            "responsible": tag.responsible_id,
            "review_days": tag.review_days,
        }

    def perform(self, form):
        return tags.tag_update(user=self.request.user, tag=self.object, **form.cleaned_data)


class TagReviewView(TagUpdateView):
    """Its responsible worker may record a review without the general change permission."""

    form_class = TagReviewForm
    permission_required = None
    scope_action = "view"
    title = gettext_lazy("复核关注标签")
    success_message = gettext_lazy("复核已记录。")

    def get_object(self):
        tag = super().get_object()
        if not tags.can_review(self.request.user, tag):
            raise Http404
        return tag

    def get_initial(self):
        return {}

    def perform(self, form):
        return tags.tag_review(user=self.request.user, tag=self.object, **form.cleaned_data)


class TagEndView(TagUpdateView):
    form_class = TagEndForm
    title = gettext_lazy("解除关注标签")
    success_message = gettext_lazy("关注标签已解除。")

    def get_initial(self):
        return {}

    def perform(self, form):
        return tags.tag_end(user=self.request.user, tag=self.object, **form.cleaned_data)


class ReviewListView(ObjectListView):
    """Overdue and soon-due reviews: mine (I am responsible) or my unit's subtree."""

    model = PersonTag
    filterset_class = PersonTagFilterSet
    table_class = ReviewTable
    template_name = "people/review_list.html"
    export_name = gettext_lazy("待复核标签")
    tab = "mine"

    def get_queryset(self):
        user = self.request.user
        qs = review_queryset(user)
        if self.tab == "mine":
            return qs.filter(responsible=user)
        return within_home_subtree(qs, user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            title=_("待复核标签"),
            tab=self.tab,
            counts=review_counts(self.request.user),
            window=REVIEW_WINDOW_DAYS,
        )
        return ctx


class TagTypeListView(ObjectListView):
    model = FocusTagType
    filterset_class = FocusTagTypeFilterSet
    table_class = FocusTagTypeTable
    title = gettext_lazy("关注标签类型")
    create_url_name = "people:tagtype_create"
    paginate_by = 50

    def get_queryset(self):
        return FocusTagType.objects.all()


class TagTypeCreateView(ServiceFormView):
    form_class = TagTypeCreateForm
    permission_required = "people.add_focustagtype"
    template_name = "people/tagtype_form.html"
    title = gettext_lazy("新增关注标签类型")
    success_message = gettext_lazy("标签类型已新增。")

    def perform(self, form):
        return tags.tagtype_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("people:tagtype_list")


class TagTypeUpdateView(ServiceFormView):
    form_class = TagTypeUpdateForm
    permission_required = "people.change_focustagtype"
    template_name = "people/tagtype_form.html"
    success_message = gettext_lazy("标签类型已保存。")

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(FocusTagType, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        t = self.object
        return {
            "name": t.name,
            "description": t.description,
            "review_days": t.review_days,
            "sensitive": t.sensitive,
            "sort": t.sort,
            "is_active": t.is_active,
        }

    def get_context_data(self, **kwargs):
        self.title = _("编辑标签类型：%(name)s") % {"name": self.object.name}
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.object
        return ctx

    def perform(self, form):
        return tags.tagtype_update(
            user=self.request.user, tag_type=self.object, **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return reverse("people:tagtype_list")


class TagTypeActionView(LoginRequiredMixin, View):
    """POST-only: deactivate or delete a tag type."""

    action = "deactivate"

    def post(self, request, pk):
        perm = (
            "people.delete_focustagtype"
            if self.action == "delete"
            else "people.change_focustagtype"
        )
        if not request.user.has_perm(perm):
            raise PermissionDenied
        tag_type = get_object_or_404(FocusTagType, pk=pk)
        try:
            if self.action == "delete":
                tags.tagtype_delete(user=request.user, tag_type=tag_type)
                messages.success(request, _("标签类型已删除。"))
            else:
                tags.tagtype_deactivate(user=request.user, tag_type=tag_type)
                messages.success(request, _("标签类型已停用。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("people:tagtype_list")


# --- visits ---------------------------------------------------------------------------------


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


# --- consents -------------------------------------------------------------------------------


class ConsentCreateView(TargetMixin, RelatedFormView):
    form_class = ConsentForm
    permission_required = "people.add_consent"
    template_name = "people/consent_form.html"
    title = gettext_lazy("记录同意")
    success_message = gettext_lazy("同意记录已保存。")

    def perform(self, form):
        return consents.consent_record(user=self.request.user, **form.cleaned_data)


class ConsentWithdrawView(RelatedFormView):
    model = Consent
    load_object = True
    form_class = ConsentWithdrawForm
    permission_required = "people.change_consent"
    template_name = "people/consent_form.html"
    title = gettext_lazy("撤回同意")
    success_message = gettext_lazy("已记录撤回。")

    def perform(self, form):
        return consents.consent_withdraw(
            user=self.request.user, consent=self.object, **form.cleaned_data
        )


# --- contacts -------------------------------------------------------------------------------


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
