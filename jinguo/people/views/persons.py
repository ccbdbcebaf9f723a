"""Pages of persons: list, detail, create, edit, reveal, deactivate, merge."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.exports import export_table
from jinguo.core.generic import ObjectDetailView, ObjectListView, ScopedObjectMixin, ServiceFormView

from ..filtersets.persons import PersonFilterSet
from ..forms.persons import (
    PROTECTED_LABELS,
    DeactivateForm,
    MergeForm,
    PersonCreateForm,
    PersonUpdateForm,
    RevealForm,
    person_initial,
)
from ..models import Person
from ..selectors.persons import (
    likely_duplicates,
    merge_events,
    person_list_queryset,
    person_open,
    person_related_context,
)
from ..services import persons as services
from ..services.merge import person_merge, person_unmerge
from ..tables.persons import PersonTable


def visible_person(user, pk) -> Person | None:
    if pk is None:
        return None
    return Person.objects.restrict(user, "view").filter(pk=pk).first()


class PersonListView(ObjectListView):
    model = Person
    filterset_class = PersonFilterSet
    table_class = PersonTable
    title = gettext_lazy("人员档案")
    create_url_name = "people:person_create"
    export_name = gettext_lazy("人员档案")

    def get_queryset(self):
        return person_list_queryset(self.request.user)

    def export(self, request):
        if not request.user.has_perm("core.export"):
            raise PermissionDenied
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        qs = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        pii = request.user.has_perm("core.export_pii")
        table = PersonTable(qs, request=request, export_pii=pii, for_export=True)
        return export_table(
            request.user,
            table,
            name=str(self.export_name),
            object_type="people.person",
            filters={k: v for k, v in request.GET.items() if k != "export"},
            masked=not pii,
        )


class PersonDetailView(ObjectDetailView):
    model = Person
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "merged_into", "created_by")

    def get_object(self, queryset=None):
        return person_open(
            self.request.user,
            self.kwargs["pk"],
            queryset=self.get_queryset() if queryset is None else queryset,
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        person = self.object
        can_merge = user.has_perm("people.merge_person") and (
            Person.objects.restrict(user, "change").filter(pk=person.pk).exists()
        )
        can_change = user.has_perm("people.change_person") and (
            can_merge or Person.objects.restrict(user, "change").filter(pk=person.pk).exists()
        )
        ctx.update(
            title=person.name,
            can_change=can_change and person.is_active,
            can_reactivate=can_change and not person.is_active and not person.merged_into_id,
            can_merge=can_merge and person.is_active,
            can_reveal=user.has_perm("core.reveal_pii"),
            identity_rows=identity_rows(person),
            merged_into=visible_person(user, person.merged_into_id),
            merge_events=merge_events(person) if can_merge else [],
            **person_related_context(user, person),
        )
        return ctx


def identity_rows(person) -> list[dict]:
    """(field, label, masked value) for the identity card; each may be revealed."""
    masked = {
        "id_number": person.masked_id_number,
        "phone": person.masked_phone,
        "phone2": person.masked_phone2,
        "address": person.masked_address,
        "health_notes": "****" if person.health_notes else "",
    }
    return [
        {"field": name, "label": PROTECTED_LABELS[name], "masked": masked[name]}
        for name in services.REVEALABLE_FIELDS
    ]


class PersonRevealView(LoginRequiredMixin, View):
    """htmx: GET asks for the reason, POST logs the reveal and returns the full value."""

    form_template = "people/partials/person_reveal_form.html"
    value_template = "people/partials/person_reveal_value.html"

    def setup_person(self, request, pk, field):
        if field not in services.REVEALABLE_FIELDS:
            raise Http404
        if not request.user.has_perm("core.reveal_pii"):
            raise PermissionDenied
        return get_object_or_404(Person.objects.restrict(request.user, "view"), pk=pk)

    def context(self, person, field, form):
        return {
            "person": person,
            "field": field,
            "label": PROTECTED_LABELS[field],
            "form": form,
            "masked": next(r["masked"] for r in identity_rows(person) if r["field"] == field),
        }

    def get(self, request, pk, field):
        person = self.setup_person(request, pk, field)
        return render(request, self.form_template, self.context(person, field, RevealForm()))

    def post(self, request, pk, field):
        person = self.setup_person(request, pk, field)
        form = RevealForm(request.POST)
        if form.is_valid():
            try:
                value = services.person_reveal(
                    user=request.user,
                    person=person,
                    field=field,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                ctx = self.context(person, field, form)
                ctx["value"] = value
                return render(request, self.value_template, ctx)
        return render(request, self.form_template, self.context(person, field, form))


class PersonFormMixin:
    template_name = "people/person_form.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        person = getattr(self, "_object", None)
        ctx["person"] = person
        ctx["cancel_url"] = person.get_absolute_url() if person else reverse("people:person_list")
        return ctx

    def service_failed(self, form, exc: ValidationError):
        form.add_service_error(exc)
        pk = services.duplicate_pk(exc)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                duplicate_pk=pk,
                duplicate_person=visible_person(self.request.user, pk),
                unknown_area=services.unknown_area_of(exc),
            )
        )

    def after_save(self, person):
        if visible_person(self.request.user, person.pk) is None:
            # A minor or a survivor: sensitive records need view_sensitive.
            messages.info(
                self.request,
                _("档案 #%(pk)d 已保存。该档案为敏感档案，您没有查看权限。") % {"pk": person.pk},
            )
            return redirect("people:person_list")
        messages.success(self.request, self.success_message)
        return redirect(person.get_absolute_url())


class PersonCreateView(PersonFormMixin, ServiceFormView):
    form_class = PersonCreateForm
    permission_required = "people.add_person"
    title = gettext_lazy("新建人员档案")
    success_message = gettext_lazy("人员档案已建立。")

    def get_initial(self):
        initial = super().get_initial()
        units = list(services.placeable_units(self.request.user)[:2])
        if len(units) == 1:
            initial["org"] = units[0].pk
        return initial

    def form_valid(self, form):
        user = self.request.user
        values = form.values()
        # Exact ID duplicates block before anything else.
        try:
            cleaned = services.clean_person_values(values)
        except ValidationError as exc:
            return self.service_failed(form, exc)
        dup = services.find_id_duplicate(
            id_type=cleaned["id_type"], id_number=cleaned.get("id_number", "")
        )
        if dup is not None:
            return self.service_failed(form, services.duplicate_id_error(dup))
        # Both questions at once: suspected duplicates, and an ID area code no one knows.
        confirm_area = form.cleaned_data.get("confirm_unknown_area", False)
        area_error = services.unknown_area_error(cleaned)
        unknown_area = area_error.params["area"] if area_error is not None else None
        candidates = None
        if not form.cleaned_data.get("confirm_duplicates"):
            candidates = likely_duplicates(
                user,
                name=cleaned["name"],
                birth_date=cleaned.get("birth_date"),
                phone=cleaned.get("phone", ""),
                phone2=cleaned.get("phone2", ""),
            )
        if candidates or (unknown_area and not confirm_area):
            return self.render_to_response(
                self.get_context_data(form=form, candidates=candidates, unknown_area=unknown_area)
            )
        try:
            person = services.person_create(
                user=user,
                org=form.cleaned_data["org"],
                confirm_unknown_area=confirm_area,
                **values,
            )
        except ValidationError as exc:
            return self.service_failed(form, exc)
        return self.after_save(person)


class PersonUpdateView(PersonFormMixin, ScopedObjectMixin, ServiceFormView):
    model = Person
    action = "change"
    form_class = PersonUpdateForm
    permission_required = "people.change_person"
    success_message = gettext_lazy("人员档案已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["person"] = self.get_object()
        return kwargs

    def get_initial(self):
        return person_initial(self.get_object())

    def get_context_data(self, **kwargs):
        self.title = _("编辑档案：%(name)s") % {"name": self.get_object().name}
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            person = services.person_update(
                user=self.request.user,
                person=self.get_object(),
                expected_version=form.cleaned_data["version"],
                org=form.cleaned_data["org"],
                confirm_unknown_area=form.cleaned_data.get("confirm_unknown_area", False),
                **form.values(),
            )
        except ValidationError as exc:
            return self.service_failed(form, exc)
        return self.after_save(person)


class PersonDeactivateView(ScopedObjectMixin, ServiceFormView):
    model = Person
    action = "change"
    form_class = DeactivateForm
    permission_required = "people.change_person"
    template_name = "people/person_deactivate.html"
    success_message = gettext_lazy("档案已停用。")

    def get_context_data(self, **kwargs):
        person = self.get_object()
        self.title = _("停用档案 #%(pk)d") % {"pk": person.pk}
        ctx = super().get_context_data(**kwargs)
        ctx.update(person=person, cancel_url=person.get_absolute_url())
        return ctx

    def perform(self, form):
        return services.person_deactivate(
            user=self.request.user, person=self.get_object(), reason=form.cleaned_data["reason"]
        )


class PersonReactivateView(ScopedObjectMixin, LoginRequiredMixin, View):
    model = Person
    action = "change"

    def post(self, request, pk):
        if not request.user.has_perm("people.change_person"):
            raise Http404
        person = self.get_object()
        try:
            services.person_reactivate(user=request.user, person=person)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("档案已重新启用。"))
        return redirect(person.get_absolute_url())


class PersonMergeView(ScopedObjectMixin, ServiceFormView):
    """Pick the other record, see both side by side (masked), confirm, merge."""

    model = Person
    action = "change"
    form_class = MergeForm
    permission_required = "people.merge_person"
    template_name = "people/person_merge.html"

    def get_initial(self):
        initial = super().get_initial()
        other = self.request.GET.get("other", "")
        if other.isdigit():
            initial["other"] = int(other)
        return initial

    def get_context_data(self, **kwargs):
        person = self.get_object()
        self.title = _("合并重复档案")
        ctx = super().get_context_data(**kwargs)
        ctx.update(person=person, cancel_url=person.get_absolute_url())
        return ctx

    def form_valid(self, form):
        user = self.request.user
        this = self.get_object()
        other = (
            Person.objects.restrict(user, "change")
            .select_related("org")
            .filter(pk=form.cleaned_data["other"])
            .first()
        )
        if other is None or other.pk == this.pk:
            form.add_error(
                "other",
                _("档案 #%(pk)d 不存在、不在您的管辖范围内，或就是本档案。")
                % {"pk": form.cleaned_data["other"]},
            )
            return self.form_invalid(form)
        if form.cleaned_data["keep"] == MergeForm.KEEP_THIS:
            survivor, duplicate = this, other
        else:
            survivor, duplicate = other, this
        if not form.cleaned_data.get("confirm"):
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    survivor=survivor,
                    duplicate=duplicate,
                    pair=[(_("保留"), survivor), (_("并入后停用"), duplicate)],
                )
            )
        try:
            person_merge(
                user=user,
                survivor=survivor,
                duplicate=duplicate,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("档案 #%(dup)d 已合并到档案 #%(keep)d。")
            % {"dup": duplicate.pk, "keep": survivor.pk},
        )
        return redirect(survivor.get_absolute_url())


class PersonUnmergeView(ScopedObjectMixin, LoginRequiredMixin, View):
    model = Person
    action = "change"

    def post(self, request, pk, event_id):
        if not request.user.has_perm("people.merge_person"):
            raise Http404
        person = self.get_object()
        try:
            person_unmerge(user=request.user, merge_event_id=event_id)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已撤销这次合并。"))
        return redirect(person.get_absolute_url())
