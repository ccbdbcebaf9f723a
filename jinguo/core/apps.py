from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jinguo.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self):
        from . import signals  # noqa: F401
