"""What the protection app adds to the platform's shared places (see core/registry.py). The
menu group is declared here; each concern's module in ``contributions`` adds the rest."""

from importlib import import_module

from django.utils.translation import gettext_lazy as _

from jinguo.core import registry

from .contributions import PARTS

registry.menu_group("protection", _("反家暴与预警"), order=25)

for _part in PARTS:
    import_module(f"{__package__}.contributions.{_part}")
