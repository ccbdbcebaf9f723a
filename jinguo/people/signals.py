from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def create_default_tag_types(sender, app_config=None, using="default", **kwargs):
    # Shipped key-focus tags are data: created when missing, never overwritten.
    if app_config is None or app_config.label != "people":
        return
    from .services.tags import ensure_default_tag_types

    ensure_default_tag_types(using=using)
