from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_defaults(sender, using="default", apps=None, **kwargs):
    from .defaults import ensure_defaults

    try:
        ensure_defaults(using=using)
    except Exception:
        return


class CadresConfig(AppConfig):
    name = "jinguo.cadres"
    label = "cadres"
    verbose_name = _("队伍建设")

    def ready(self):
        post_migrate.connect(create_defaults, sender=self)
