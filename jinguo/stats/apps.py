from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def drop_sqlite_triggers(sender, using="default", **kwargs):
    from .triggers import drop_sqlite_triggers

    drop_sqlite_triggers(using=using)


def install_triggers(sender, using="default", **kwargs):
    from .triggers import install

    install(using=using, recount_sqlite=True)


class StatsConfig(AppConfig):
    name = "jinguo.stats"
    label = "stats"
    verbose_name = _("统计分析")

    def ready(self):
        # The counting is done by database triggers, installed after every migrate (the
        # registry, filled by core's ready(), says which tables they watch). SQLite checks
        # a trigger's tables when a migration remakes a table, so there they are dropped for
        # the migration and the summary recounted after it (see triggers.py).
        pre_migrate.connect(drop_sqlite_triggers, sender=self)
        post_migrate.connect(install_triggers, sender=self)
