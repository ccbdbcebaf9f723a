"""Core's one door to the federation tree's units, which live in a higher app (orgs)."""

from django.apps import apps
from django.conf import settings


def get_unit_model():
    return apps.get_model(settings.JINGUO_UNIT_MODEL, require_ready=False)
