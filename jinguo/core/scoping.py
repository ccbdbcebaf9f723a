"""restrict(user, action): the one place that decides which records a user may see or touch.

``Model.objects.restrict(user, action)`` returns the records that

(a) lie in her home unit's subtree, when one of her roles grants ``<app>.<action>_<model>`` —
    and, for a sensitive record, ``core.view_sensitive`` too;
(b) were explicitly shared with her for that action (``core.Share``), or with her home unit
    when one of her roles grants that action on the model;

and, where the model declares them (class attributes; core never imports the apps that do):

``scope_path_field = "org_path"``
    The field holding the record's unit path. ``None``: the record has no place in the tree
    and nothing is granted by subtree (a).
``scope_sensitive_field = None``
    A boolean field; a sensitive record needs ``core.view_sensitive`` in (a). Shares, parents,
    owners and audiences are explicit grants and need no more.
``scope_parent = "person"`` or ``("person", "household")``
    Foreign keys to the records this one hangs off. A share of the parent for an action
    grants the child for the same action, so a worker assigned to a person reaches her tags,
    visits and consents without a share per record; revoking the share takes them away. One
    level: the parent's own parents are not followed.
``scope_owner_field = "submitted_by"``, ``scope_owner_actions = ("view",)``
    The user the record belongs to may take those actions on it, whatever her roles say.
``scope_shares = True``
    ``False`` for records that are never shared: restrict() does not look for shares.
``scope_audience = Audience(users=..., actions=..., reserved=..., excludes_subtree=...)``
    Outsiders a record is addressed to, e.g. a partner agency's members for a referral:
    ``users`` is the ORM lookup from the record to them (``"agency__memberships__user"``);
    they may take ``actions`` on it whatever their roles say. ``reserved`` actions are granted
    to the audience only (no role, share or subtree gives them). With ``excludes_subtree`` a
    user who belongs to any audience of that kind (a member of any agency: someone the
    lookup's first hop reaches) gets nothing by subtree on the model.

A service checks one object with ``may(user, action, obj)``, a page asks which of several
actions it offers with ``permitted_actions(user, obj, actions)``; neither compares paths.

A user's shares are read once per user object (one query for all of them; per model and action
only when she has very many) and memoised on it, with her agency-style audience memberships.
``share_grant``/``share_revoke`` (and whatever else moves shares or memberships) call
``grants_changed()``, which bumps a process-local generation that makes every memo stale; an
expired share drops out of a memo by its stored expiry. A request's user object lives for one
request, so another process's grant is seen by the next request.
"""

import itertools
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import BooleanField, Q, Value, When
from django.db.models import Case as CaseWhen
from django.utils import timezone

from .pages import ScopedPagesMixin

VIEW_SENSITIVE = "core.view_sensitive"
SHARE_IDS_INLINE = 1000
# How many of a user's shares are held in memory at most; beyond, they are read per model and
# action (the ids inline up to SHARE_IDS_INLINE, a sub-select above).
SHARES_HELD = 1000


@dataclass(frozen=True)
class Audience:
    """Outsiders a record is addressed to (see the module docstring)."""

    users: str
    actions: tuple[str, ...]
    reserved: tuple[str, ...] = ()
    excludes_subtree: bool = False


def permission_name(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _content_type(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model, for_concrete_model=False)


def _unit_share_counts(user, model, action: str) -> bool:
    # A unit share reaches the unit's staff who work with such records (the role permission
    # for the action), not every account homed there: a partner agency's users or the
    # system administrator of that unit must not inherit it.
    return bool(user.home_unit_id) and user.has_perm(permission_name(model, action))


def active_shares(user, model, action: str):
    from .models import Share

    grantee = Q(user_id=user.pk)
    if _unit_share_counts(user, model, action):
        grantee |= Q(unit_id=user.home_unit_id)
    return Share.objects.filter(
        grantee,
        content_type=_content_type(model),
        action=action,
        revoked_at__isnull=True,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


# --- the memo of a user's grants -------------------------------------------------------------

_generations = itertools.count(1)
_generation = 0


def grants_changed() -> None:
    """Make every memoised share and audience membership stale (in this process)."""
    global _generation
    _generation = next(_generations)


# A user with more shares than SHARES_HELD: they are read per model and action instead.
OVERFLOW = object()


class _Grants:
    """One user object's shares and audience memberships, as read at ``generation``."""

    def __init__(self, user):
        self.generation = _generation
        self.home_unit_id = user.home_unit_id
        # (content type id, action) -> [(object id, expires_at, through her unit)], read on
        # first use; or OVERFLOW.
        self.table = None
        # On OVERFLOW: (content type id, action, unit shares count) -> [(object id, expires_at)],
        # or None when even one model and action has too many to inline.
        self.by_key = {}
        # Model label -> the audience targets she belongs to (see _audience_targets).
        self.audiences = {}


def _grants(user) -> _Grants:
    grants = getattr(user, "_jinguo_grants", None)
    if (
        grants is None
        or grants.generation != _generation
        or grants.home_unit_id != user.home_unit_id
    ):
        grants = _Grants(user)
        user._jinguo_grants = grants
    return grants


def _read_all(user):
    from .models import Share

    grantee = Q(user_id=user.pk)
    if user.home_unit_id:
        grantee |= Q(unit_id=user.home_unit_id)
    rows = list(
        Share.objects.filter(grantee, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .values_list("content_type_id", "action", "object_id", "expires_at", "user_id")[
            : SHARES_HELD + 1
        ]
    )
    if len(rows) > SHARES_HELD:
        return OVERFLOW
    table = {}
    for ct_id, action, object_id, expires_at, user_id in rows:
        table.setdefault((ct_id, action), []).append((object_id, expires_at, user_id != user.pk))
    return table


def shared_ids(user, model, action: str):
    """The pks of ``model`` records shared with ``user`` for ``action``: a list, or a
    sub-select when there are too many to inline. Memoised on the user object."""
    grants = _grants(user)
    if grants.table is None:
        grants.table = _read_all(user)
    unit_counts = _unit_share_counts(user, model, action)
    now = timezone.now()
    key = (_content_type(model).pk, action)
    if grants.table is not OVERFLOW:
        rows = grants.table.get(key, ())
        return [
            object_id
            for object_id, expires_at, via_unit in rows
            if (unit_counts or not via_unit) and (expires_at is None or expires_at > now)
        ]
    memo_key = (*key, unit_counts)
    if memo_key not in grants.by_key:
        found = list(
            active_shares(user, model, action).values_list("object_id", "expires_at")[
                : SHARE_IDS_INLINE + 1
            ]
        )
        grants.by_key[memo_key] = found if len(found) <= SHARE_IDS_INLINE else None
    found = grants.by_key[memo_key]
    if found is None:
        # "path LIKE … OR id IN (subquery)" defeats the path index; only a user with very
        # many shares pays that.
        return active_shares(user, model, action).values("object_id")
    return [object_id for object_id, expires_at in found if expires_at is None or expires_at > now]


def _audience_targets(user, model, audience: Audience):
    """What the audience lookup's first hop reaches for ``user`` (e.g. the agencies she is a
    member of), memoised; empty when she belongs to no audience of this kind."""
    grants = _grants(user)
    key = model._meta.label_lower
    if key not in grants.audiences:
        head, _, rest = audience.users.partition("__")
        if rest:
            target = model._meta.get_field(head).related_model
            found = list(
                target._default_manager.filter(**{rest: user.pk}).values_list("pk", flat=True)
            )
        else:
            found = [user.pk] if model._default_manager.filter(**{head: user.pk}).exists() else []
        grants.audiences[key] = found
    return grants.audiences[key]


# --- the condition --------------------------------------------------------------------------


def _parents(model) -> tuple[str, ...]:
    parents = getattr(model, "scope_parent", ())
    return (parents,) if isinstance(parents, str) else tuple(parents)


@dataclass(frozen=True)
class ScopeParts:
    """restrict()'s condition in its two halves: ``subtree`` is grant (a), the user's subtree
    (with the sensitivity rule); ``others`` is every other grant (shares, owner, audience, the
    parents' shares). Either may be None. Kept apart so that a count or a page can read each
    half from its own index instead of one OR (see pages.py)."""

    subtree: Q | None
    others: Q | None

    @property
    def condition(self) -> Q | None:
        if self.subtree is None or self.others is None:
            return self.subtree if self.others is None else self.others
        return self.subtree | self.others


def scope_parts(model, user, action: str) -> ScopeParts | None:
    """The condition restrict(user, action) filters ``model`` with, in halves; None when
    nothing is granted."""
    if not _active(user):
        return None
    others = []
    audience = getattr(model, "scope_audience", None)
    member = False
    if audience is not None:
        head, _, rest = audience.users.partition("__")
        targets = (
            _audience_targets(user, model, audience)
            if action in audience.actions or audience.excludes_subtree
            else []
        )
        member = bool(targets)
        if action in audience.actions and targets:
            # On the first hop's key, not a join: the lookup may run through a to-many relation.
            others.append(Q(**{f"{head}__in": targets}) if rest else Q(**{head: user.pk}))
        if action in audience.reserved:
            return ScopeParts(None, reduce(or_, others)) if others else None

    subtree = None
    path_field = getattr(model, "scope_path_field", "org_path")
    if (
        path_field
        and user.home_path
        and not (member and audience.excludes_subtree)
        and user.has_perm(permission_name(model, action))
    ):
        subtree = Q(**{f"{path_field}__subtree": user.home_path})
        sensitive_field = getattr(model, "scope_sensitive_field", None)
        if sensitive_field and not user.has_perm(VIEW_SENSITIVE):
            subtree &= Q(**{sensitive_field: False})

    owner_field = getattr(model, "scope_owner_field", None)
    if owner_field and action in getattr(model, "scope_owner_actions", ()):
        others.append(Q(**{owner_field: user.pk}))

    if getattr(model, "scope_shares", True):
        shared = shared_ids(user, model, action)
        if not isinstance(shared, list) or shared:
            others.append(Q(pk__in=shared))

    for field in _parents(model):
        parent = model._meta.get_field(field).related_model
        shared = shared_ids(user, parent, action)
        if not isinstance(shared, list) or shared:
            others.append(Q(**{f"{field}__in": shared}))
    if subtree is None and not others:
        return None
    return ScopeParts(subtree, reduce(or_, others) if others else None)


def scope_condition(model, user, action: str) -> Q | None:
    """The condition restrict(user, action) filters ``model`` with; None when nothing is
    granted."""
    parts = scope_parts(model, user, action)
    return parts.condition if parts is not None else None


def subtree_granted(model, user, action: str = "view") -> bool:
    """Whether restrict(user, action) grants ``model``'s records of her home unit's subtree
    (part (a) of the module docstring): what aggregate figures over a subtree may show her."""
    if not _active(user) or not user.home_path:
        return False
    path_field = getattr(model, "scope_path_field", "org_path")
    if not path_field or not user.has_perm(permission_name(model, action)):
        return False
    audience = getattr(model, "scope_audience", None)
    if audience is not None and audience.excludes_subtree:
        return not _audience_targets(user, model, audience)
    return True


class RestrictQuerySet(ScopedPagesMixin, models.QuerySet):
    def restrict(self, user, action: str = "view"):
        parts = scope_parts(self.model, user, action)
        if parts is None:
            return self.none()
        restricted = self.filter(parts.condition)
        # Kept for paged(): a count or a page may read the two halves apart (pages.py).
        restricted._scope_parts = parts
        return restricted


# --- checks of one record -------------------------------------------------------------------


def may(user, action: str, obj) -> bool:
    """Whether ``obj`` is in ``restrict(user, action)``: how a service checks one record."""
    if obj is None or obj.pk is None:
        return False
    return obj._meta.model._default_manager.restrict(user, action).filter(pk=obj.pk).exists()


def permitted_actions(user, obj, actions) -> set[str]:
    """Those of ``actions`` for which ``obj`` is in ``restrict(user, action)``, in one query."""
    model = obj._meta.model
    conditions = {}
    for action in dict.fromkeys(actions):
        condition = scope_condition(model, user, action)
        if condition is not None:
            conditions[action] = condition
    if not conditions or obj.pk is None:
        return set()
    flags = {
        f"may_{n}": CaseWhen(
            When(c, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        for n, c in enumerate(conditions.values())
    }
    found = model._default_manager.filter(pk=obj.pk).annotate(**flags).values_list(*flags).first()
    if found is None:
        return set()
    return {action for action, allowed in zip(conditions, found, strict=True) if allowed}
