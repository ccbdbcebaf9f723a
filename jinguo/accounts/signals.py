from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def create_default_roles(sender, app_config=None, using="default", **kwargs):
    # Runs after every app's permissions exist; creates only roles that are missing.
    if app_config is None or app_config.label != "accounts":
        return
    from .services import ensure_default_roles

    ensure_default_roles(using=using)
