"""What the protection app adds to the platform's shared places (see core/registry.py)."""

from django.utils.translation import gettext_lazy as _

from jinguo.core import registry

registry.menu_group("protection", _("反家暴与预警"), order=25)
