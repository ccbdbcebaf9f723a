"""What the pages of the orders concern share: the form view (service call, errors kept, the
subject shown above the form) and the helpers that load a scoped record."""

from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from jinguo.cases.models import Case
from jinguo.core.generic import ServiceFormView
from jinguo.core.scoping import may
from jinguo.people.models import Person


def safe_next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def scoped(model, user, pk, action="view"):
    return get_object_or_404(model.objects.restrict(user, action), pk=pk)


def given(model, request, name):
    """The person or case a new record is for (?person=, ?case=), when the user sees it."""
    raw = request.POST.get(name) or request.GET.get(name)
    if not raw or not str(raw).isdigit() or len(str(raw)) > 18:
        return None
    return model.objects.restrict(request.user, "view").filter(pk=int(raw)).first()


class OrdersFormView(ServiceFormView):
    """A form of this concern: one service call; on success back to the record's page (or to
    the list when the user may no longer see it)."""

    template_name = "protection/orders/form.html"
    intro = ""

    def subject(self):
        """(label, masked name) of the person the form is about, shown above it."""
        return None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["subject"] = self.subject()
        ctx["intro"] = self.intro
        ctx["next"] = safe_next(self.request)
        return ctx

    def get_success_url(self, result=None):
        nxt = safe_next(self.request)
        if nxt:
            return nxt
        if may(self.request.user, "view", result):
            return result.get_absolute_url()
        return self.fallback_url()

    def fallback_url(self):
        return "/"


def subject_person(request):
    """The person a new record is for: ?person=, or the complainant of ?case=."""
    person = given(Person, request, "person")
    if person is None:
        case = given(Case, request, "case")
        if case is not None and case.complainant_id:
            person = (
                Person.objects.restrict(request.user, "view").filter(pk=case.complainant_id).first()
            )
    return person


def person_subject(label, person):
    return (label, person.masked_name) if isinstance(person, Person) else None


__all__ = [
    "Case",
    "OrdersFormView",
    "Person",
    "given",
    "person_subject",
    "safe_next",
    "scoped",
    "subject_person",
]
