"""Results of the person and household pickers (forms/pickers.py): what the user may see,
through restrict(), at most 20 rows. The same fragment as the unit picker's."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from jinguo.orgs.models import OrgUnit
from jinguo.people.selectors.households import visible_households
from jinguo.people.selectors.persons import visible_persons

from .. import selectors
from ..forms.pickers import household_label, person_label

LIMIT = selectors.PICKER_LIMIT


def _under(request, queryset):
    """Narrowed to the subtree of the ``under`` unit when one in scope is named; a unit out
    of scope (or not a number) leaves nothing to find."""
    value = request.GET.get("under", "")
    if not value:
        return queryset
    unit = None
    if value.isdigit() and len(value) <= 18:
        unit = OrgUnit.objects.restrict(request.user, "view").filter(pk=int(value)).first()
    return queryset.filter(org_path__subtree=unit.path) if unit else queryset.none()


def _render(request, rows, label_of, empty_text, query):
    items = [
        {"pk": r.pk, "label": label_of(r), "name": r.name, "parent": r.org.name}
        for r in rows[:LIMIT]
    ]
    ctx = {
        "rows": items,
        "more": len(rows) > LIMIT,
        "limit": LIMIT,
        "query": query,
        "empty_text": empty_text,
    }
    return render(request, "cadres/partials/picker_results.html", ctx)


@login_required
def person_search(request):
    query = request.GET.get("q", "").strip()[:50]
    persons = _under(request, visible_persons(request.user))
    if request.GET.get("gender") == "F":
        persons = persons.filter(gender="F")
    rows = selectors.person_search(persons, query, limit=LIMIT + 1)
    return _render(request, rows, person_label, _("没有找到匹配的人员档案。"), query)


@login_required
def household_search(request):
    query = request.GET.get("q", "").strip()[:50]
    households = _under(request, visible_households(request.user))
    rows = selectors.household_search(households, query, limit=LIMIT + 1)
    return _render(request, rows, household_label, _("没有找到匹配的家庭。"), query)
