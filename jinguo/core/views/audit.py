"""Audit trail viewer for the security auditor: read-only list, detail and Excel export."""

import json

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from .. import audit, crypto
from ..exports import table_to_xlsx_response
from ..fields import BlindIndexField
from ..filtersets import AuditEventFilterSet
from ..generic import ObjectListView
from ..models import AuditEvent
from ..selectors import VIEW_AUDIT, audit_events_for
from ..tables import AuditEventTable, local_time, type_label

ENCRYPTED = gettext_lazy("（已加密）")
HIDDEN = gettext_lazy("（已隐藏）")
# A blind index is a keyed hash of the value: noise to a reader, so only its presence shows.
INDEX = gettext_lazy("（检索索引）")
EMPTY = "—"
_MISSING = object()


class AuditEventListView(ObjectListView):
    """Every row the user may read; nothing here (or anywhere) edits or deletes one."""

    model = AuditEvent
    filterset_class = AuditEventFilterSet
    table_class = AuditEventTable
    template_name = "core/audit_list.html"
    paginate_by = 50
    title = gettext_lazy("审计日志")
    export_name = gettext_lazy("审计日志")
    http_method_names = ["get", "head"]
    max_export_rows = 100_000

    def get_queryset(self):
        return audit_events_for(self.request.user)

    def get(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_AUDIT):
            raise PermissionDenied
        if request.GET.get("export") == "xlsx":
            return self.export(request)
        # ObjectListView.get checks a per-model permission; audit has view_audit instead.
        return super(ObjectListView, self).get(request, *args, **kwargs)

    def export(self, request):
        if not request.user.has_perm("core.export"):
            raise PermissionDenied
        filters = {k: v for k, v in request.GET.items() if k != "export"}
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        qs = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        if qs.count() > self.max_export_rows:
            messages.error(
                request,
                _("符合条件的记录超过 %(limit)s 条，请缩小时间范围或增加筛选条件后再导出。")
                % {"limit": self.max_export_rows},
            )
            query = request.GET.copy()
            query.pop("export", None)
            return redirect(f"{request.path}?{query.urlencode()}")
        table = self.table_class(qs, request=request)
        response, rows = table_to_xlsx_response(table, str(self.export_name))
        audit.record_access(
            request.user, action="export", object_type="core.auditevent", rows=rows, filters=filters
        )
        return response


class AuditEventDetailView(LoginRequiredMixin, DetailView):
    """One row: who, what, the change field by field, and whether its hashes hold."""

    template_name = "core/audit_detail.html"
    context_object_name = "event"
    http_method_names = ["get", "head"]

    def get_queryset(self):
        # Without view_audit, or outside her subtree, the row does not exist for her (404).
        return audit_events_for(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        event = self.object
        visible = self.get_queryset()
        # The link check reads only the predecessor's hash, which may lie outside her scope.
        predecessor_hash = (
            AuditEvent.objects.filter(id__lt=event.pk)
            .order_by("-id")
            .values_list("hash", flat=True)
            .first()
        )
        ctx.update(
            {
                "title": _("审计记录 #%(id)s") % {"id": event.pk},
                "time": local_time(event.created_at),
                "action_label": audit.action_label(event.action),
                "type_label": type_label(event.object_type) if event.object_type else "",
                "changes": change_rows(event),
                "detail_json": pretty_json(event.detail) if event.detail else "",
                "hash_ok": audit.hash_matches(event, event.prev_hash),
                "link_ok": event.prev_hash == (predecessor_hash or audit.GENESIS),
                "previous_id": visible.filter(id__lt=event.pk)
                .order_by("-id")
                .values_list("id", flat=True)
                .first(),
                "next_id": visible.filter(id__gt=event.pk)
                .order_by("id")
                .values_list("id", flat=True)
                .first(),
            }
        )
        return ctx


def model_fields(object_type: str) -> dict:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    found = {}
    for field in model._meta.concrete_fields:
        found[field.name] = found[field.attname] = field
    return found


def conceal(value):
    """The value with every ciphertext replaced by a marker; the viewer never decrypts."""
    if crypto.is_encrypted(value):
        return str(ENCRYPTED)
    if isinstance(value, dict):
        return {k: conceal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [conceal(v) for v in value]
    return value


def pretty_json(value) -> str:
    return json.dumps(conceal(value), ensure_ascii=False, indent=2, sort_keys=True)


def display_value(value) -> str:
    if value is _MISSING or value is None:
        return EMPTY
    if crypto.is_encrypted(value):
        return str(ENCRYPTED)
    if value == "":
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dict | list):
        return json.dumps(conceal(value), ensure_ascii=False, sort_keys=True)
    return str(value)


def audit_masks(object_type: str) -> dict:
    """Masks a model declares for its plaintext personal fields (``audit_masks``)."""
    try:
        return getattr(apps.get_model(object_type), "audit_masks", {})
    except (LookupError, ValueError):
        return {}


def masked_value(mask, value) -> str:
    if value is _MISSING or value is None or value == "":
        return display_value(value)
    return mask(str(value)) if callable(mask) else str(HIDDEN)


def change_rows(event: AuditEvent) -> list[dict]:
    """Before/after as one row per field, in the order the record lists its fields."""
    if event.before is None and event.after is None:
        return []
    if not isinstance(event.before or {}, dict) or not isinstance(event.after or {}, dict):
        old, new = event.before, event.after
        return [
            {
                "field": "",
                "label": _("值"),
                "before": display_value(old),
                "after": display_value(new),
                "encrypted": False,
                "changed": old is not None and new is not None and old != new,
            }
        ]
    before, after = event.before or {}, event.after or {}
    fields = model_fields(event.object_type)
    masks = audit_masks(event.object_type)
    rows = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        field = fields.get(key)
        hidden = isinstance(field, BlindIndexField)
        if key in masks:
            # Names and free text of the people on file: the auditor sees that they changed.
            rows.append(
                {
                    "field": key,
                    "label": str(field.verbose_name) if field is not None else key,
                    "before": masked_value(masks[key], old),
                    "after": masked_value(masks[key], new),
                    "encrypted": True,
                    "changed": event.before is not None and event.after is not None and old != new,
                }
            )
            continue
        rows.append(
            {
                "field": key,
                "label": str(field.verbose_name) if field is not None else key,
                "before": str(INDEX) if hidden and old else display_value(old),
                "after": str(INDEX) if hidden and new else display_value(new),
                "encrypted": hidden or crypto.is_encrypted(old) or crypto.is_encrypted(new),
                "changed": event.before is not None and event.after is not None and old != new,
            }
        )
    return rows
