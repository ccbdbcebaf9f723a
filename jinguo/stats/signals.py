"""Count a source's record in the transaction that saves or deletes it."""

from django.db.models.signals import post_delete, post_save

from . import maintenance, sources


def _handler(model):
    srcs = [s for s in sources.sources() if s.model_class() is model]
    table = model._meta.db_table

    def counted(sender, instance, raw=False, **kwargs):
        if raw:  # loaddata: stats_rebuild counts fixtures
            return
        for src in srcs:
            maintenance.refresh(src, [instance.pk])
        maintenance.forget_dirty(table, instance.pk)

    return counted


_connected = {}


def connect() -> None:
    for src in sources.sources():
        model = src.model_class()
        if model in _connected:
            continue
        handler = _connected[model] = _handler(model)
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"stats:{src.key}")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"stats-d:{src.key}")
