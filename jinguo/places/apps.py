from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_defaults(sender, using="default", apps=None, **kwargs):
    # After migrating backwards (or to a point before the latest migration) the tables the
    # defaults go into may be missing or older than the models: leave them for the next migrate.
    if apps is not None and not _schema_is_current(sender, apps):
        return
    from .defaults import load_defaults

    load_defaults(using=using)


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


class PlacesConfig(AppConfig):
    name = "jinguo.places"
    label = "places"
    verbose_name = _("服务阵地")

    def ready(self):
        post_migrate.connect(create_defaults, sender=self)
