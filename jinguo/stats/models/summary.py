"""The summary tables of the statistics.

``StatsEntry`` is the ledger: for every counted record of a statistics source, the key it is
counted under — unit path, local day, the string of each dimension value (``v1``… in the order
the source declares its dimensions) and whether the model flags it as sensitive. Database
triggers on each source table keep it equal to the records (triggers.py), whatever wrote them.

``StatsCount`` holds the counts the dashboards read: per source, unit, month and *one*
dimension at a time (``dim`` 0 is every record, ``dim`` i the source's i-th dimension with
its ``value``), at every level of the tree: a record of ``32/3205/320505/`` is counted in the
rows of ``32/``, ``32/3205/`` and ``32/3205/320505/``. So a subtree's figure is one row lookup
and a child ranking one row per child, however large the tree. Triggers on the ledger keep it
(also triggers.py), in the writing transaction.

The ledger's path field is named ``org_path``, so moving a unit rewrites it with every other
scoped record (orgs.services.rewrite_org_paths), and its trigger moves the counts between the
old and the new ancestors. The counts' path field is deliberately *not* named ``org_path``:
they belong to every ancestor, and a bulk prefix rewrite would double the move.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinguo.core.paths import TreePathField

# How many dimensions a statistics source may declare.
DIMENSIONS = 8
VALUE_LENGTH = 64
VALUE_FIELDS = [f"v{i}" for i in range(1, DIMENSIONS + 1)]


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
    # The record's measure (StatsSource.measure), 0 for a source that only counts.
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        default_permissions = ()
        verbose_name = _("统计台账")
        verbose_name_plural = _("统计台账")
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="stats_entry_object")
        ]
        indexes = [
            # Moving a unit rewrites the paths of its subtree; below the summary's depth
            # (counts.py) a unit's figures are summed from its subtree's rows, which the
            # included columns let PostgreSQL read from the index alone.
            models.Index(
                fields=["org_path"],
                name="stats_entry_path_cover",
                opclasses=["varchar_pattern_ops"],
                include=["source", "day", *VALUE_FIELDS, "sensitive", "amount"],
            ),
        ]


class StatsCount(models.Model):
    source = models.CharField(max_length=60)
    unit_path = TreePathField()
    # 0: every record of the source; i: its i-th dimension (value holds the dimension's value).
    dim = models.PositiveSmallIntegerField()
    month = models.DateField()  # first day of the local month
    value = models.CharField(max_length=VALUE_LENGTH, default="")
    n = models.IntegerField(default=0)
    # Of ``n``, the records the model flags as sensitive (scope_sensitive_field).
    n_sensitive = models.IntegerField(default=0)
    # The sum of the counted records' measure (StatsSource.measure).
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        default_permissions = ()
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        constraints = [
            # A unit's figures: its path, the dimension, then the months of a period.
            models.UniqueConstraint(
                fields=["source", "unit_path", "dim", "month", "value"], name="stats_count_key"
            )
        ]
