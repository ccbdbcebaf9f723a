"""Writing and verifying the audit trail.

Every row is written inside the transaction of the change it records and carries the hash of
its predecessor. The chain is extended under a lock on the single chain-head row, taken last in
the transaction, so concurrent writers queue rather than fork the chain (PostgreSQL row lock;
SQLite serialises writers with immediate transactions).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from . import context, crypto
from .models import AuditChainHead, AuditEvent, AuditKind

GENESIS = "0" * 64
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


def _digest(data: bytes) -> str:
    algorithm = settings.JINGUO_AUDIT_HASH.lower()
    h = hashlib.new("sm3") if algorithm == "sm3" else hashlib.sha256()
    h.update(data)
    return h.hexdigest()


def _canonical(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    payload = {}
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        if name == "created_at":
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        payload[name] = value
    body = json.dumps(
        [prev_hash, payload], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return _digest(body.encode())


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
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:200],
        "object_org_path": getattr(obj, getattr(obj, "scope_path_field", "org_path"), "") or "",
    }


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
) -> AuditEvent:
    actor = _actor(user)
    ctx = context.current()
    with transaction.atomic():
        event = AuditEvent(
            kind=kind,
            action=action,
            user_id=actor.user_id,
            username=(username if username is not None else actor.username)[:150],
            user_org_path=actor.org_path,
            ip=ctx.ip,
            request_id=ctx.request_id,
            before=_canonical(before) if before is not None else None,
            after=_canonical(after) if after is not None else None,
            detail=_canonical(detail or {}),
            **_object_fields(obj),
        )
        # The lock is taken last, so the chain is held only for the time of one insert.
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_hash=GENESIS, last_event_id=0)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        event.created_at = timezone.now()
        event.prev_hash = head.last_hash
        event.hash = event_hash(event, head.last_hash)
        event.save()
        head.last_hash = event.hash
        head.last_event_id = event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event


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
    return write_event(kind=AuditKind.ACCESS, action=action, user=user, obj=obj, detail=detail)


def record_security(user=None, *, action: str, username: str | None = None, **detail):
    return write_event(
        kind=AuditKind.SECURITY, action=action, user=user, username=username, detail=detail
    )


@dataclass
class VerifyResult:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first row whose link or content does not hold."""
    prev = GENESIS
    checked = 0
    last_id = 0
    qs = AuditEvent.objects.order_by("id")
    while True:
        rows = list(qs.filter(id__gt=last_id)[:batch_size])
        if not rows:
            break
        for event in rows:
            if event.prev_hash != prev:
                return VerifyResult(checked, event.pk, "prev_hash")
            if event_hash(event, prev) != event.hash:
                return VerifyResult(checked, event.pk, "content")
            prev = event.hash
            checked += 1
            last_id = event.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return VerifyResult(checked, head.last_event_id or -1, "head")
    return VerifyResult(checked)
