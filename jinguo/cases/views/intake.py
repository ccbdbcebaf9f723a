"""Intake pages: the 12338 hotline page with its phone look-up, the general intake page and
the grid worker's short report form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jinguo.people.models import Person

from .. import selectors
from ..forms.intake import (
    GridReportForm,
    HotlineIntakeForm,
    IntakeForm,
    formset_parties,
    party_formset,
)
from ..models import Case
from ..services import intake

LOOKUP_LIMIT = 10
MIN_LOOKUP_DIGITS = 7


def _require_add(user):
    if not user.has_perm("cases.add_case"):
        raise Http404


def phone_digits(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isdigit())


def lookup_context(user, phone: str) -> dict:
    """The caller's earlier appeals and records, both through the scoped selectors."""
    phone = (phone or "").strip()
    digits = phone_digits(phone)
    if len(digits) < MIN_LOOKUP_DIGITS:
        return {"lookup_phone": phone, "lookup_done": False}
    cases = list(
        selectors.cases_by_phone(user, phone)
        .select_related("category", "subcategory", "org", "complainant")
        .order_by("-received_at")[: LOOKUP_LIMIT + 1]
    )
    persons = list(
        selectors.persons_by_phone(user, phone).select_related("org")[: LOOKUP_LIMIT + 1]
    )
    return {
        "lookup_phone": phone,
        "lookup_done": True,
        "earlier_cases": cases[:LOOKUP_LIMIT],
        "more_cases": len(cases) > LOOKUP_LIMIT,
        "found_persons": persons[:LOOKUP_LIMIT],
        "more_persons": len(persons) > LOOKUP_LIMIT,
    }


@login_required
def hotline_lookup(request):
    _require_add(request.user)
    ctx = lookup_context(request.user, request.GET.get("caller_phone", ""))
    return render(request, "cases/partials/hotline_lookup.html", ctx)


def picked_person(user, form):
    """The complainant picked from the look-up, for showing her (masked) after a failed submit."""
    raw = form.data.get("complainant") if form.is_bound else None
    if not raw or not str(raw).isdigit():
        return None
    return Person.objects.restrict(user, "view").filter(pk=int(raw)).first()


def _created(request, case: Case):
    text = _("已登记个案，编号 %(number)s。") % {"number": case.number}
    if Case.objects.restrict(request.user, "view").filter(pk=case.pk).exists():
        messages.success(request, text)
        return redirect(case.get_absolute_url())
    messages.success(request, text + _("该个案不在您的查看范围内。"))
    return redirect("cases:intake")


def _submit(request, form, formset=None, *, done=_created):
    """Validate and call case_create; returns the response or None to re-render."""
    valid = form.is_valid()
    if formset is not None:
        valid = formset.is_valid() and valid
    if not valid:
        return None
    parties = formset_parties(formset) if formset is not None else []
    try:
        case = intake.case_create(user=request.user, **form.service_kwargs(parties))
    except ValidationError as exc:
        form.add_service_error(exc)
        return None
    return done(request, case)


def _hotline_done(request, case: Case):
    """After a call: straight back to the hotline page, which offers the next call."""
    url = reverse("cases:hotline")
    if Case.objects.restrict(request.user, "view").filter(pk=case.pk).exists():
        return redirect(f"{url}?registered={case.pk}")
    messages.success(
        request,
        _("已登记个案，编号 %(number)s。") % {"number": case.number}
        + _("该个案不在您的查看范围内。"),
    )
    return redirect(url)


def registered_case(user, raw: str):
    if not raw or not raw.isdigit():
        return None
    return (
        Case.objects.restrict(user, "view")
        .select_related("category", "subcategory")
        .filter(pk=int(raw))
        .first()
    )


@login_required
def hotline(request):
    user = request.user
    _require_add(user)
    if request.method == "POST":
        form = HotlineIntakeForm(request.POST, user=user)
        formset = party_formset(request.POST, user=user)
        response = _submit(request, form, formset, done=_hotline_done)
        if response is not None:
            return response
    elif (case := registered_case(user, request.GET.get("registered", ""))) is not None:
        ctx = {"title": _("12338来电登记"), "case": case}
        return render(request, "cases/hotline_done.html", ctx)
    else:
        form = HotlineIntakeForm(user=user)
        formset = party_formset(user=user)
    ctx = {
        "title": _("12338来电登记"),
        "form": form,
        "formset": formset,
        "picked": picked_person(user, form),
        **lookup_context(user, form.data.get("caller_phone", "") if form.is_bound else ""),
    }
    return render(request, "cases/hotline.html", ctx)


@login_required
def intake_view(request):
    user = request.user
    _require_add(user)
    grid = not user.has_perm("cases.dispatch_case")
    form_class = GridReportForm if grid else IntakeForm
    formset = None
    if request.method == "POST":
        form = form_class(request.POST, user=user)
        if not grid:
            formset = party_formset(request.POST, user=user)
        response = _submit(request, form, formset)
        if response is not None:
            return response
    else:
        form = form_class(user=user)
        if not grid:
            formset = party_formset(user=user)
    ctx = {
        "title": _("网格上报") if grid else _("登记诉求"),
        "form": form,
        "formset": formset,
        "picked": picked_person(user, form),
    }
    return render(request, "cases/grid_report.html" if grid else "cases/intake.html", ctx)
