"""The summary tables of the statistics.

``StatsRow`` holds the counts: one row per statistics source, unit (its path), day and
combination of the source's dimension values (``v1``… in the order the source declares its
dimensions). ``StatsEntry`` is the ledger: for every counted record, the row it is counted in,
so that any change — however it was written — is applied as "take one from the old row, add
one to the new". ``StatsDirty`` is the outbox that database triggers fill on every insert,
update and delete of a source table, so writes that bypass Django's signals (``update()``,
bulk inserts) are counted too (see maintenance.py).

Both tables store the unit path in a field named ``org_path``: moving a unit rewrites them with
every other scoped record (orgs.services.rewrite_org_paths), in the same transaction.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinguo.core.paths import TreePathField

# How many dimensions a statistics source may declare.
DIMENSIONS = 8
VALUE_LENGTH = 64
VALUE_FIELDS = [f"v{i}" for i in range(1, DIMENSIONS + 1)]


class StatsRow(models.Model):
    source = models.CharField(max_length=60)
    org_path = TreePathField()
    day = models.DateField()
    v1 = models.CharField(max_length=VALUE_LENGTH, default="")
    v2 = models.CharField(max_length=VALUE_LENGTH, default="")
    v3 = models.CharField(max_length=VALUE_LENGTH, default="")
    v4 = models.CharField(max_length=VALUE_LENGTH, default="")
    v5 = models.CharField(max_length=VALUE_LENGTH, default="")
    v6 = models.CharField(max_length=VALUE_LENGTH, default="")
    v7 = models.CharField(max_length=VALUE_LENGTH, default="")
    v8 = models.CharField(max_length=VALUE_LENGTH, default="")
    n = models.IntegerField(default=0)
    # Of ``n``, the records the model flags as sensitive (scope_sensitive_field).
    n_sensitive = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "org_path", "day", *VALUE_FIELDS], name="stats_row_key"
            )
        ]
        indexes = [
            # A subtree's rows of a source over a period: a prefix of the path, then days.
            models.Index(
                fields=["source", "org_path", "day"],
                name="stats_row_rollup",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops"],
            ),
        ]


class StatsEntry(models.Model):
    source = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    org_path = TreePathField()
    day = models.DateField()
    v1 = models.CharField(max_length=VALUE_LENGTH, default="")
    v2 = models.CharField(max_length=VALUE_LENGTH, default="")
    v3 = models.CharField(max_length=VALUE_LENGTH, default="")
    v4 = models.CharField(max_length=VALUE_LENGTH, default="")
    v5 = models.CharField(max_length=VALUE_LENGTH, default="")
    v6 = models.CharField(max_length=VALUE_LENGTH, default="")
    v7 = models.CharField(max_length=VALUE_LENGTH, default="")
    v8 = models.CharField(max_length=VALUE_LENGTH, default="")
    sensitive = models.BooleanField(default=False)

    class Meta:
        default_permissions = ()
        verbose_name = _("统计台账")
        verbose_name_plural = _("统计台账")
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="stats_entry_object")
        ]
        indexes = [
            # Moving a unit rewrites the paths of its subtree.
            models.Index(
                fields=["org_path"], name="stats_entry_path", opclasses=["varchar_pattern_ops"]
            ),
        ]


class StatsDirty(models.Model):
    """A record of a source table written since it was last counted (filled by triggers)."""

    table_name = models.CharField(max_length=63)
    object_id = models.BigIntegerField()

    class Meta:
        default_permissions = ()
        verbose_name = _("待计入统计的变动")
        verbose_name_plural = _("待计入统计的变动")
        indexes = [models.Index(fields=["table_name", "object_id"], name="stats_dirty_object")]
