"""Counts and pages of a restrict()ed queryset that read each half of the scope by its own index.

restrict() filters with ``subtree OR others`` (shares, audience, owner). PostgreSQL answers the
OR with a BitmapOr and a heap scan of every row in the subtree — for a district's 20,000 cases
some 19,000 blocks — before it can count them or sort out the newest 25. Two disjoint halves,

    mine = qs AND subtree          rest = qs AND others AND NOT subtree

together are exactly qs (restrict() filtered qs by ``subtree OR others``; later filters only
narrow it), and each is served by an index: the path indexes for ``mine``, the primary key for
a handful of shares in ``rest``. A queryset marked with ``paged()`` uses them:

- ``count()`` adds the two counts, in one statement (UNION ALL);
- a slice ``[start:stop]`` of an ordered queryset first picks the ids of the first ``stop`` rows
  of each half (narrow rows, an index-only scan where an index covers the query), then reads qs
  itself restricted to those candidates, in qs's order (a deferred join). The first ``stop``
  rows of qs are among the candidates, so the page is the page qs gives. The ordering is
  completed with the primary key: with ties, two pages could otherwise overlap.

Every statement is qs with conditions added, so restrict() still decides alone what is seen.
Queries that already combine, group, make rows distinct, lock, number rows with a window or
are sliced take the plain path.
"""

from functools import reduce
from operator import or_

from django.db import connections
from django.db.models import F, Q
from django.db.models.expressions import OrderBy


class ScopedPagesMixin:
    """QuerySet side of the above; restrict() sets ``_scope_parts``."""

    _scope_parts = None
    _paged = False

    def _clone(self):
        clone = super()._clone()
        clone._scope_parts = self._scope_parts
        clone._paged = self._paged
        return clone

    def _widened(self, other, combine):
        # qs | other holds rows restrict() did not filter: its halves are no longer qs.
        result = combine(other)
        result._scope_parts = None
        return result

    def __or__(self, other):
        return self._widened(other, super().__or__)

    def __xor__(self, other):
        return self._widened(other, super().__xor__)

    def paged(self):
        """This queryset, with count() and slices read by halves (see the module docstring)."""
        clone = self._chain()
        clone._paged = True
        return clone

    def _unpaged(self):
        clone = self._chain()
        clone._paged = False
        return clone

    def _splittable(self) -> bool:
        query = self.query
        return (
            self._scope_parts is not None
            and self._result_cache is None
            and not query.is_sliced
            and not query.combinator
            and not query.distinct
            and query.group_by is None
            and not query.extra_order_by
            and not query.select_for_update
            # An aggregate or a window function would see only a half's rows.
            and not any(
                getattr(a, "contains_aggregate", False) or getattr(a, "contains_over_clause", False)
                for a in query.annotations.values()
            )
        )

    def scope_halves(self):
        """(mine, rest): disjoint querysets whose union is this one, or None when restrict()
        granted only one kind of access (or the query is not a plain one)."""
        if not self._splittable():
            return None
        parts = self._scope_parts
        if parts.subtree is None or parts.others is None:
            return None
        plain = self._unpaged()
        return plain.filter(parts.subtree), plain.filter(parts.others).exclude(parts.subtree)

    def count(self):
        halves = self.scope_halves() if self._paged else None
        if halves is None:
            return super().count()
        mine, rest = (half.order_by().values("pk") for half in halves)
        return mine.union(rest, all=True).count()

    def total_ordering(self) -> list | None:
        """The ordering this queryset's rows come in, completed with the primary key; None
        when it has none (or a random or extra() one)."""
        query = self.query
        if query.extra_order_by:
            return None
        if query.order_by:
            ordering = list(query.order_by)
        elif query.default_ordering:
            ordering = list(self.model._meta.ordering)
        else:
            ordering = []
        if not ordering or "?" in ordering:
            return None
        pk = self.model._meta.pk
        names = {"pk", pk.name, pk.attname}

        def is_pk(item) -> bool:
            if isinstance(item, str):
                return item.lstrip("-") in names
            expression = getattr(item, "expression", None) if isinstance(item, OrderBy) else None
            return isinstance(expression, F) and expression.name in names

        if not any(is_pk(item) for item in ordering):
            ordering.append("pk")
        return ordering

    def _page_candidates(self, stop: int):
        if not self._splittable():
            return None
        ordering = self.total_ordering()
        if ordering is None:
            return None
        plain = self._unpaged().order_by(*ordering)
        parts = self._scope_parts
        halves = (
            [plain.filter(parts.subtree), plain.filter(parts.others)]
            if parts.subtree is not None and parts.others is not None
            else [plain]
        )
        firsts = [half.values("pk")[:stop] for half in halves]
        if len(firsts) > 1 and connections[self.db].features.supports_slicing_ordering_in_compound:
            # One IN (… UNION ALL …): PostgreSQL joins it to the table by primary key, where
            # an OR of two INs would leave it scanning the whole scope again.
            return plain.filter(pk__in=firsts[0].union(*firsts[1:], all=True))
        return plain.filter(reduce(or_, (Q(pk__in=first) for first in firsts)))

    def __getitem__(self, k):
        if (
            self._paged
            and isinstance(k, slice)
            and k.step is None
            and isinstance(k.stop, int)
            and 0 <= (k.start or 0) < k.stop
        ):
            candidates = self._page_candidates(k.stop)
            if candidates is not None:
                return candidates[k]
        return super().__getitem__(k)
