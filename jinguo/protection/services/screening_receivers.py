"""Keeps grids' help with screening returns in step with the tree: a grid created or moved
after a campaign was issued gets (or loses) its community's pending returns, after commit."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit

from .screening import grid_share_sync


@receiver(post_save, sender=OrgUnit, dispatch_uid="protection.screening.grid_share")
def _grid_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.kind != UnitKind.GRID:
        return
    pk = instance.pk
    transaction.on_commit(
        lambda: (
            grid_share_sync(OrgUnit.objects.get(pk=pk))
            if OrgUnit.objects.filter(pk=pk).exists()
            else None
        )
    )
