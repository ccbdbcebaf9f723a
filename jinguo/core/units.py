"""Core's one door to the federation tree's units, which live in a higher app (orgs)."""

from django.apps import apps
from django.conf import settings


def get_unit_model():
    return apps.get_model(settings.JINGUO_UNIT_MODEL, require_ready=False)


def unit_names(paths) -> dict[str, str]:
    """The unit name of each stored path (a unit no longer in the tree keeps its path)."""
    paths = {p for p in paths if p}
    if not paths:
        return {}
    Unit = get_unit_model()
    found = dict(Unit.objects.filter(path__in=paths).values_list("path", "name"))
    return {p: found.get(p, "") for p in paths}
