"""What the pages of the records around a person share: the form view that returns to the
person's or household's page, and the person or household a new record is for.

Views are thin: a scoped object (404 outside scope), a form, one service call. Records that
hang off a person come from restrict() too, which lets a worker assigned to the person reach
them. After a save the user returns to ``?next=`` (a page of this site) or to the person's or
household's page.
"""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from jinguo.core.generic import ServiceFormView

from ..selectors.households import visible_households
from ..selectors.persons import visible_persons


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
