from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_defaults(sender, using="default", **kwargs):
    from .defaults import ensure_defaults

    ensure_defaults(using=using)


class ProtectionConfig(AppConfig):
    name = "jinguo.protection"
    label = "protection"
    verbose_name = _("反家暴与预警")

    def ready(self):
        post_migrate.connect(create_defaults, sender=self)
