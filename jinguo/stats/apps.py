from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_triggers(sender, using="default", **kwargs):
    from .triggers import install

    install(using=using)


class StatsConfig(AppConfig):
    name = "jinguo.stats"
    label = "stats"
    verbose_name = _("统计分析")

    def ready(self):
        # The counting is done by database triggers, installed after every migrate (the
        # registry, filled by core's ready(), says which tables they watch).
        post_migrate.connect(install_triggers, sender=self)
