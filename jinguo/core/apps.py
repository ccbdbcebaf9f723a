from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jinguo.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self):
        from . import registry, signals, table_signatures  # noqa: F401

        table_signatures.install()

        # Every app's contrib.py fills the menu, home panels, page sections, jobs, role
        # grants, audit labels and statistics sources (core/registry.py).
        registry.autodiscover()
