from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def drop_sqlite_triggers(sender, using="default", **kwargs):
    from .triggers import drop_sqlite_triggers

    drop_sqlite_triggers(using=using)


def install_triggers(sender, using="default", **kwargs):
    from .triggers import install

    install(using=using, recount_sqlite=True)


def create_defaults(sender, using="default", apps=None, **kwargs):
    # After migrating backwards the report tables may be missing or older than the models:
    # leave the defaults for the next migrate (as protection does).
    if apps is not None and not _schema_is_current(sender, apps):
        return
    from .defaults import ensure_defaults

    ensure_defaults(using=using)


def _schema_is_current(app_config, state_apps) -> bool:
    for model in app_config.get_models():
        try:
            state = state_apps.get_model(app_config.label, model._meta.model_name)
        except LookupError:
            return False
        have = {f.name for f in state._meta.get_fields()}
        if any(f.name not in have for f in model._meta.concrete_fields):
            return False
    return True


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
        post_migrate.connect(create_defaults, sender=self)
