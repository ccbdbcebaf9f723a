from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jinguo.people"
    label = "people"
    verbose_name = _("重点关注档案")

    def ready(self):
        from . import signals  # noqa: F401
