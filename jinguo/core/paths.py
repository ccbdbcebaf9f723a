"""Materialised paths of the federation tree and the one lookup that selects a subtree.

A path is every ancestor code and the unit's own code, each followed by ``/``
(``32/3205/320505/``). The trailing separator keeps a sibling coded ``32051…`` out of the
subtree of ``3205``.
"""

from django.db import models
from django.db.models import Lookup

SEPARATOR = "/"
# The character right after SEPARATOR in byte order: the exclusive upper bound of a subtree.
AFTER_SEPARATOR = chr(ord(SEPARATOR) + 1)


def subtree_bounds(path: str) -> tuple[str, str]:
    if not path.endswith(SEPARATOR):
        raise ValueError("a tree path must end with the separator")
    return path, path[:-1] + AFTER_SEPARATOR


def like_prefix(prefix: str) -> str:
    """A LIKE pattern (backslash escapes) of the strings that start with ``prefix``."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def subtree_sql(column: str, path: str, vendor: str) -> tuple[str, list]:
    """SQL: ``column`` holds a path of the subtree ``path`` (see Subtree)."""
    low, high = subtree_bounds(path)
    if vendor == "postgresql":
        return f"{column} LIKE %s", [like_prefix(low)]
    return f"({column} >= %s AND {column} < %s)", [low, high]


class TreePathField(models.CharField):
    """CharField holding a materialised path; supports ``__subtree``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)


@TreePathField.register_lookup
class Subtree(Lookup):
    """``path__subtree=p``: the row's path starts with ``p`` (itself included).

    PostgreSQL: a prefix LIKE, which the varchar_pattern_ops index serves whatever the
    collation. SQLite: a half-open range, which a plain index serves (SQLite does not use an
    index for LIKE … ESCAPE).
    """

    lookup_name = "subtree"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        path = self.rhs
        if not isinstance(path, str):
            raise TypeError("subtree takes a path string")
        sql, (low, *high) = subtree_sql(lhs, path, connection.vendor)
        # The column's own params where it stands: once on PostgreSQL, twice on SQLite.
        return sql, [*lhs_params, low] + ([*lhs_params, *high] if high else [])
