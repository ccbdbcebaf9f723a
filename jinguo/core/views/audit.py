"""Audit trail viewer for the security auditor: read-only list, detail and Excel export."""

import json

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from .. import audit, crypto
from ..chaincheck import chain_check_request
from ..exports import export_table
from ..fields import BlindIndexField
from ..filtersets import AuditEventFilterSet
from ..generic import ObjectListView
from ..models import AuditEvent, ChainCheck
from ..selectors import VIEW_AUDIT, audit_events_for
from ..tables import AuditEventTable, local_time, person_label, type_label
from ..units import unit_names

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
        return export_table(
            request.user,
            table,
            name=str(self.export_name),
            object_type="core.auditevent",
            filters=filters,
        )


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
                "detail_rows": detail_rows(event.detail),
                "actor": person_label(event) if event.username else _("系统"),
                "unit_names": unit_names([event.user_org_path, event.object_org_path]),
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


# Labels of the keys that access and security rows carry in their detail.
DETAIL_LABELS = {
    "reason": gettext_lazy("理由"),
    "field": gettext_lazy("字段"),
    "rows": gettext_lazy("行数"),
    "filters": gettext_lazy("筛选条件"),
    "format": gettext_lazy("格式"),
    "channel": gettext_lazy("途径"),
    "page": gettext_lazy("页面"),
    "mode": gettext_lazy("方式"),
    "case_id": gettext_lazy("个案编号"),
    "referral_id": gettext_lazy("转介编号"),
    "target": gettext_lazy("对象"),
    "roles": gettext_lazy("角色"),
    "created": gettext_lazy("新建"),
    "reset": gettext_lazy("重置"),
    "object_type": gettext_lazy("对象类型"),
    "share_ids": gettext_lazy("共享记录"),
    "grantee_user_id": gettext_lazy("共享给用户"),
    "grantee_unit_id": gettext_lazy("共享给单位"),
    "actions": gettext_lazy("允许的操作"),
    "expires_at": gettext_lazy("到期时间"),
    "attempts": gettext_lazy("尝试次数"),
    "locked_until": gettext_lazy("锁定至"),
    "username": gettext_lazy("用户名"),
    "count": gettext_lazy("数量"),
    "errors": gettext_lazy("错误"),
}
CHANNEL_LABELS = {"api": gettext_lazy("接口"), "ui": gettext_lazy("页面")}


def detail_rows(detail) -> list[dict]:
    """The detail of an access or security row as labelled lines, ciphertext concealed."""
    if not isinstance(detail, dict):
        return [{"key": "", "label": _("详情"), "value": display_value(detail)}] if detail else []
    rows = []
    for key, value in detail.items():
        if key == "channel" and value in CHANNEL_LABELS:
            value = str(CHANNEL_LABELS[value])
        elif key == "object_type" and isinstance(value, str):
            value = type_label(value)
        rows.append(
            {"key": key, "label": str(DETAIL_LABELS.get(key, key)), "value": display_value(value)}
        )
    return rows


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


@login_required
def audit_chain(request):
    """The chain's verifications: start one (a background task) and read the results."""
    if not request.user.has_perm(VIEW_AUDIT):
        raise PermissionDenied
    if request.method == "POST":
        chain_check_request(user=request.user)
        messages.success(
            request, _("已开始校验审计链，完成后结果显示在下方（记录较多时需要几分钟）。")
        )
        return redirect("core:audit_chain")
    checks = list(ChainCheck.objects.select_related("requested_by")[:20])
    pending = any(
        c.outcome in (ChainCheck.Outcome.QUEUED, ChainCheck.Outcome.RUNNING) for c in checks
    )
    return render(
        request,
        "core/audit_chain.html",
        {
            "title": _("审计链校验"),
            "checks": checks,
            "latest": checks[0] if checks else None,
            "pending": pending,
            "reasons": {key: str(text) for key, text in audit.BREAK_REASONS.items()},
            "total": AuditEvent.objects.count(),
        },
    )
