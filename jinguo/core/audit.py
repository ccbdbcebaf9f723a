"""Writing and verifying the audit trail.

Every row is written inside the transaction of the change it records and carries the hash of
its predecessor. The chain is extended under a lock on the single chain-head row, so concurrent
writers queue rather than fork the chain (PostgreSQL row lock; SQLite serialises writers with
immediate transactions). The lock is held until the surrounding transaction ends, so a service
records its audit event as its last database write.
"""

import hashlib
import ipaddress
import json
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address
from django.utils.translation import gettext_lazy as _

from . import context, crypto
from .bulk import insert_rows
from .models import AuditChainHead, AuditEvent, AuditKind

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
HEAD_ID = 1
HASHED_FIELDS = (
    "kind",
    "action",
    "created_at",
    "user_id",
    "username",
    "user_org_path",
    "ip",
    "request_id",
    "object_type",
    "object_id",
    "object_repr",
    "object_org_path",
    "before",
    "after",
    "detail",
)

# Labels of the platform's generic actions; each app registers its own verbs in its contrib.py
# (core/registry.audit_labels). An action nobody labelled is shown as written.
CORE_ACTION_LABELS = {
    "create": _("新建"),
    "update": _("修改"),
    "delete": _("删除"),
    "import": _("导入"),
    "open": _("查看"),
    "view": _("查看"),
    "reveal": _("查看完整信息"),
    "export": _("导出"),
    "activate": _("启用"),
    "deactivate": _("停用"),
    "reactivate": _("重新启用"),
    "share": _("共享"),
    "unshare": _("撤销共享"),
    "assign": _("指派"),
    "transfer": _("移交"),
    "end": _("解除"),
    "withdraw": _("撤回"),
    "note": _("办理记录"),
    "emergency_access": _("紧急访问"),
    "key_rotation": _("数据密钥轮换"),
    "verify": _("校验审计链"),
}

# Why verify_chain stopped, in words an operator can act on.
BREAK_REASONS = {
    "prev_hash": _("前一条哈希不符：此前的记录被删除、插入或改写"),
    "content": _("内容与哈希不符：该记录写入后被改动"),
    "head": _("链头与最后一条记录不符：末尾的记录被删除，或末尾追加了伪造记录"),
    "head_missing": _("链头记录缺失"),
}


def action_labels() -> dict:
    """Every labelled action, core's and the apps' (in registration order)."""
    from .registry import registry

    return dict(registry.audit_labels)


def action_label(action: str) -> str:
    from .registry import registry

    return str(registry.audit_labels.get(action, action))


HASH_ALGORITHMS = ("sha256", "sm3")


def _algorithm() -> str:
    return "sm3" if settings.JINGUO_AUDIT_HASH.lower() == "sm3" else "sha256"


def _digest(data: bytes, algorithm: str) -> str:
    return hashlib.new(algorithm, data).hexdigest()


def _strip_nul(value):
    # PostgreSQL text and jsonb cannot hold NUL; a typed username may contain one.
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_nul(v) for v in value]
    return value


def _canonical(value):
    return _strip_nul(json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)))


def _clean_ip(value) -> str | None:
    """A valid address in the form the database gives back, or None (never fail a write)."""
    if not value:
        return None
    try:
        addr = ipaddress.ip_address(str(value).strip())
    except ValueError:
        return None
    return clean_ipv6_address(str(addr)) if addr.version == 6 else str(addr)


def _ip_for_hash(value):
    # The database may print an IPv6 address differently from how it was written.
    if not value:
        return value
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return value
    if addr.version == 4:
        return str(addr)
    return format(int(addr), "032x")


def event_hash(event: AuditEvent, prev_hash: str, algorithm: str | None = None) -> str:
    payload = {}
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        if name == "created_at":
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        elif name == "ip":
            value = _ip_for_hash(value)
        payload[name] = value
    body = json.dumps(
        [prev_hash, payload], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return _digest(body.encode(), algorithm or _algorithm())


def hash_matches(event: AuditEvent, prev_hash: str) -> bool:
    """Whether the row's hash seals its content and link, under the configured algorithm or,
    for rows written before JINGUO_AUDIT_HASH changed, the other one."""
    current = _algorithm()
    for algorithm in (current, *(a for a in HASH_ALGORITHMS if a != current)):
        try:
            if event_hash(event, prev_hash, algorithm) == event.hash:
                return True
        except ValueError:  # this OpenSSL build lacks SM3
            continue
    return False


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """JSON-safe copy of a record's concrete fields, as stored (encrypted fields stay encrypted)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields and field.attname not in fields:
            continue
        if getattr(field, "audit_exclude", False) or field.name == "password":
            continue
        value = field.get_prep_value(getattr(instance, field.attname))
        data[field.attname] = value
    return _canonical(data)


def _same(a, b) -> bool:
    # Ciphertexts of the same plaintext differ (fresh nonce); compare what they hold.
    if crypto.is_encrypted(a) and crypto.is_encrypted(b):
        return crypto.decrypt(a) == crypto.decrypt(b)
    return a == b


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Keep only the keys whose value changed (both sides), for readable update rows."""
    if not before or not after:
        return before, after
    changed = [k for k in after if not _same(before.get(k), after.get(k))]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


@dataclass
class Actor:
    user_id: int | None
    username: str
    org_path: str


def _actor(user) -> Actor:
    if user is not None and getattr(user, "is_authenticated", False):
        return Actor(user.pk, user.get_username(), getattr(user, "org_path", "") or "")
    ctx = context.current()
    if ctx.user_id:
        from django.contrib.auth import get_user_model

        found = get_user_model().objects.filter(pk=ctx.user_id).first()
        if found is not None:
            return Actor(found.pk, found.get_username(), found.org_path or "")
    return Actor(None, "" if ctx.channel != "system" else "system", "")


def _object_fields(obj) -> dict:
    if obj is None:
        return {}
    # A record outside the tree (scope_path_field = None) has no unit path.
    path_field = getattr(obj, "scope_path_field", "org_path")
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "object_repr": _strip_nul(str(obj))[:200],
        "object_org_path": (getattr(obj, path_field, "") if path_field else "") or "",
    }


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is not None:
        return head
    # Migration 0002 creates the head; a test flush or a manual delete can remove it. Continue
    # from the newest row (never restart at genesis, which would fork the chain) and let a
    # concurrent creator win without an error.
    last = AuditEvent.objects.order_by("-id").only("id", "hash").first()
    logger.warning("audit chain head missing; recreating it at event %s", last and last.pk)
    AuditChainHead.objects.bulk_create(
        [
            AuditChainHead(
                pk=HEAD_ID,
                last_hash=last.hash if last else GENESIS,
                last_event_id=last.pk if last else 0,
            )
        ],
        ignore_conflicts=True,
    )
    return AuditChainHead.objects.select_for_update().get(pk=HEAD_ID)


def write_event(
    *,
    kind: str,
    action: str,
    user=None,
    obj=None,
    before=None,
    after=None,
    detail: dict | None = None,
    username: str | None = None,
    object_type: str = "",
) -> AuditEvent:
    actor = _actor(user)
    ctx = context.current()
    target = {"object_type": object_type[:100], **_object_fields(obj)}
    event = AuditEvent(
        kind=kind,
        action=action,
        user_id=actor.user_id,
        username=_strip_nul(username if username is not None else actor.username)[:150],
        user_org_path=actor.org_path,
        ip=_clean_ip(ctx.ip),
        request_id=ctx.request_id,
        before=_canonical(before) if before is not None else None,
        after=_canonical(after) if after is not None else None,
        detail=_canonical(detail or {}),
        **target,
    )
    batch = getattr(_batches, "current", None)
    if batch is not None:
        # Written with the rest of the batch, under one lock of the chain head.
        event.created_at = timezone.now()
        batch.events.append(event)
        return event
    # No savepoint: if the audit row cannot be written, the change it records must not commit.
    with transaction.atomic(savepoint=False):
        # Everything above ran before the lock; from here on the chain is held by this
        # transaction until it ends, so only the insert and the head update follow.
        head = _locked_head()
        event.created_at = timezone.now()
        event.prev_hash = head.last_hash
        event.hash = event_hash(event, head.last_hash)
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.last_event_id = event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event


_batches = threading.local()


@dataclass
class ChainBatch:
    """The audit rows a batch has recorded so far, not yet written."""

    events: list = dataclass_field(default_factory=list)

    def mark(self) -> int:
        return len(self.events)

    def discard_since(self, mark: int) -> None:
        """Forget the rows recorded after ``mark``: their change was rolled back (a savepoint)."""
        del self.events[mark:]


@contextmanager
def batched():
    """Record the audit rows of a run of changes as one extension of the chain.

    For workers that apply many changes in one transaction (the intake queue): each row is
    built and timed when its change happens, and all are hashed, inserted with one statement
    and linked to the head under a single lock when the block ends — still inside the
    caller's transaction, so they commit or roll back with the changes. A row written this way
    has no id until the block ends. A caller that rolls a change back to a savepoint discards
    its rows with ``discard_since(mark)``. Nested use joins the outer batch.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.batched() must run inside a transaction")
    outer = getattr(_batches, "current", None)
    if outer is not None:
        yield outer
        return
    batch = ChainBatch()
    _batches.current = batch
    try:
        yield batch
    finally:
        _batches.current = None
    _write_batch(batch.events)


def _write_batch(events: list) -> None:
    if not events:
        return
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        prev = head.last_hash
        for event in events:
            event.prev_hash = prev
            event.hash = prev = event_hash(event, prev)
        # One bulk insert (COPY on PostgreSQL for large batches): its ids are drawn in list
        # order while the head is locked, so id order stays chain order.
        insert_rows(AuditEvent, events)
        head.last_hash = prev
        head.last_event_id = events[-1].pk
        head.save(update_fields=["last_hash", "last_event_id"])


def record_change(user, obj, action: str, before=None, after=None, **detail) -> AuditEvent:
    before, after = diff(before, after) if action == "update" else (before, after)
    return write_event(
        kind=AuditKind.CHANGE,
        action=action,
        user=user,
        obj=obj,
        before=before,
        after=after,
        detail=detail,
    )


def record_access(user, obj=None, *, action: str, **detail) -> AuditEvent:
    """An access event; without an object, ``object_type`` in detail also fills the column."""
    object_type = str(detail.get("object_type", "")) if obj is None else ""
    return write_event(
        kind=AuditKind.ACCESS,
        action=action,
        user=user,
        obj=obj,
        detail=detail,
        object_type=object_type,
    )


def record_open(user, obj, *, channel: str | None = None, **detail) -> AuditEvent:
    """Opening one record; ``channel`` names a door other than the web page (``"api"``)."""
    if channel:
        detail["channel"] = channel
    return record_access(user, obj, action="open", **detail)


def record_security(
    user=None,
    *,
    action: str,
    username: str | None = None,
    obj=None,
    before=None,
    after=None,
    **detail,
):
    """A security event; ``obj`` is the account it concerns, so that account's page finds it."""
    return write_event(
        kind=AuditKind.SECURITY,
        action=action,
        user=user,
        obj=obj,
        before=before,
        after=after,
        username=username,
        detail=detail,
    )


def log_reveal(user, obj, field: str, reason: str) -> AuditEvent:
    """Record that ``user`` saw the full value of ``obj.field`` and why (never the value).

    The caller checks the permission (``core.reveal_pii`` or a direct assignment); this
    refuses only a reveal without a reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("查看完整个人信息须填写理由。"), code="reason_required")
    try:
        obj._meta.get_field(field)
    except FieldDoesNotExist as exc:
        raise ValueError(f"{obj._meta.label} has no field {field!r}") from exc
    return record_access(user, obj, action="reveal", field=field, reason=reason[:500])


@dataclass
class VerifyResult:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    @property
    def reason_text(self) -> str:
        return str(BREAK_REASONS.get(self.reason, self.reason))


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in id order; report the first row whose link or content does not hold.

    Ids are drawn under the chain lock, so id order is chain order. Writers may commit while
    the walk runs: the head is read after the walk, and rows it already covers are walked too.
    """
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        while True:
            rows = list(AuditEvent.objects.order_by("id").filter(id__gt=last_id)[:batch_size])
            if not rows:
                break
            for event in rows:
                if event.prev_hash != prev:
                    return VerifyResult(checked, event.pk, "prev_hash")
                if not hash_matches(event, prev):
                    return VerifyResult(checked, event.pk, "content")
                prev = event.hash
                checked += 1
                last_id = event.pk
        head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
        if head is None:
            if checked == 0:
                return VerifyResult(0)
            return VerifyResult(checked, last_id, "head_missing")
        if head.last_hash == prev:
            return VerifyResult(checked)
        if head.last_event_id > last_id:
            if AuditEvent.objects.filter(id__gt=last_id).exists():
                continue  # committed by a concurrent writer during the walk
            return VerifyResult(checked, head.last_event_id, "head")
        # Rows after the one the head names were never sealed by write_event.
        extra = (
            AuditEvent.objects.filter(id__gt=head.last_event_id)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        return VerifyResult(checked, extra or last_id, "head")
