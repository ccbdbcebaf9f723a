from django.db import models
from django.db.models import Lookup
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.paths import SEPARATOR, TreePathField
from jinguo.core.pinyin import name_initials
from jinguo.core.scoping import RestrictQuerySet

from .choices import KIND_BADGE, TERRITORIAL_KINDS, UnitKind


class InitialsField(models.CharField):
    """Pinyin initials of a name (芳草社区妇联 → fcsqfl); supports an indexed ``__prefix``."""

    audit_exclude = True  # derived from the name, which the audit row already carries


@InitialsField.register_lookup
class Prefix(Lookup):
    """``name_initials__prefix="fc"``, served by an index on both backends.

    Django's startswith casts to text and escapes for LIKE, which neither SQLite nor (for the
    cast) every PostgreSQL plan serves from an index; as with ``path__subtree``, PostgreSQL gets
    a plain prefix LIKE (varchar_pattern_ops index) and SQLite a half-open range.
    """

    lookup_name = "prefix"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = str(self.rhs)
        if not prefix:
            return "1=1", []
        if connection.vendor == "postgresql":
            escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return f"{lhs} LIKE %s", [*lhs_params, escaped + "%"]
        high = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, prefix, *lhs_params, high]


class OrgUnitQuerySet(RestrictQuerySet):
    """Keeps the stored initials in step with the name on bulk writes too (imports, scale demo)."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.name_initials = name_initials(obj.name)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        fields = list(fields)
        if "name" in fields:
            objs = list(objs)
            for obj in objs:
                obj.name_initials = name_initials(obj.name)
            if "name_initials" not in fields:
                fields.append("name_initials")
        return super().bulk_update(objs, fields, *args, **kwargs)


class OrgUnit(models.Model):
    """One federation (or grid) in the tree; territorial units carry division codes."""

    code = models.CharField(max_length=32, unique=True, verbose_name=_("代码"))
    name = models.CharField(max_length=100, verbose_name=_("名称"))
    # For the searchable unit picker: "fc" finds 芳草社区妇联 among 45,000 units by index.
    name_initials = InitialsField(max_length=100, blank=True, editable=False)
    short_name = models.CharField(max_length=50, blank=True, verbose_name=_("简称"))
    kind = models.CharField(max_length=20, choices=UnitKind.choices, verbose_name=_("类型"))
    level = models.PositiveSmallIntegerField(verbose_name=_("层级"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级单位"),
    )
    path = TreePathField(editable=False, verbose_name=_("路径"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("联系电话"))
    address = models.CharField(max_length=200, blank=True, verbose_name=_("办公地址"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))
    division_version = models.CharField(max_length=20, blank=True, verbose_name=_("区划版本"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgUnitQuerySet.as_manager()
    scope_path_field = "path"

    class Meta:
        ordering = ["path"]
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        indexes = [
            models.Index(fields=["parent", "name"], name="orgs_unit_parent_name"),
            models.Index(
                fields=["name_initials", "kind"],
                name="orgs_unit_initials",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints = [
            # The one index on path: it keeps paths unique and serves `path__subtree` — on
            # PostgreSQL the prefix LIKE, whatever the collation; on SQLite (opclass ignored) the
            # range form. No second, collation-ordered index on path: with one, PostgreSQL
            # answers "first page of a subtree ordered by path" by walking that index in order
            # and filtering, which reads most of a 700,000-unit table for a subtree sorting late
            # (see bench/README.md).
            models.UniqueConstraint(
                fields=["path"],
                name="orgs_unit_path_prefix",
                opclasses=["varchar_pattern_ops"],
                violation_error_message=_("单位路径重复。"),
            ),
        ]
        permissions = [
            ("move_orgunit", _("调整单位隶属关系")),
            ("import_orgunit", _("导入区划代码")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_initials = name_initials(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_initials"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("orgs:orgunit_detail", args=[self.pk])

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def kind_badge(self) -> str:
        return KIND_BADGE.get(self.kind, "secondary")

    @property
    def is_territorial(self) -> bool:
        return self.kind in TERRITORIAL_KINDS

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.code}{SEPARATOR}"

    def is_in_subtree_of(self, other: "OrgUnit") -> bool:
        return self.path.startswith(other.path)

    def ancestors(self):
        codes = [c for c in self.path.split(SEPARATOR) if c][:-1]
        return OrgUnit.objects.filter(code__in=codes).order_by("level")
