from django.db.models.signals import post_migrate
from django.dispatch import Signal, receiver

# Sent once a case's resolution has committed (kwargs: case, user). Apps above cases (the
# protection app's follow-up plans) listen here, so that cases imports none of them.
case_resolved = Signal()


@receiver(post_migrate)
def create_defaults(sender, app_config=None, using="default", apps=None, **kwargs):
    if app_config is None or app_config.label != "cases":
        return
    # After migrating backwards past this app's first migration its tables are gone.
    if apps is not None:
        try:
            apps.get_model("cases", "DeadlinePolicy")
        except LookupError:
            return
    from .defaults import ensure_default_categories, ensure_default_policies

    ensure_default_categories(using=using)
    ensure_default_policies(using=using)
