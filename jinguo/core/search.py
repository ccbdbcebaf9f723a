"""Chinese full-text search: jieba segments text at write time into a ``search_text`` column.

PostgreSQL indexes it with ``to_tsvector('simple', …)`` and GIN; SQLite with an FTS5
external-content table kept in step by triggers. Both sit behind one lookup,
``search_text__fts=query``, and one migration operation, ``FullTextIndex``.
"""

import re
from functools import cache, lru_cache

from django.db import models
from django.db.migrations.operations.base import Operation
from django.db.models import Lookup

_WORD = re.compile(r"[\w\u4e00-\u9fff]+", re.UNICODE)


@cache
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokens(text: str) -> list[str]:
    """Search-mode segmentation, lower-cased, punctuation dropped, order kept, no repeats."""
    return list(_tokens(text or ""))


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for part in _WORD.findall(text or ""):
        for token in _jieba().cut_for_search(part.lower()):
            token = token.strip()
            if token and _WORD.fullmatch(token):
                seen.setdefault(token, None)
    return tuple(seen)


def build_search_text(*parts: str) -> str:
    return " ".join(tokens(" ".join(p for p in parts if p)))


class SearchTextField(models.TextField):
    """Space-separated tokens; searched with ``__fts``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


@SearchTextField.register_lookup
class FullTextMatch(Lookup):
    lookup_name = "fts"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        words = tokens(self.rhs) if isinstance(self.rhs, str) else []
        if not words:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            lhs, lhs_params = self.process_lhs(compiler, connection)
            query = " & ".join(_pg_quote(w) for w in words)
            return (
                f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, %s)",
                [*lhs_params, query],
            )
        model = self.lhs.target.model
        table = model._meta.db_table
        pk = connection.ops.quote_name(model._meta.pk.column)
        alias = connection.ops.quote_name(self.lhs.alias)
        fts = connection.ops.quote_name(f"{table}_fts")
        match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        return f"{alias}.{pk} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)", [match]


def _pg_quote(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"


class FullTextIndex(Operation):
    """Migration operation: the full-text index of ``<table>.search_text`` on either backend."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, column: str = "search_text"):
        self.model_name = model_name
        self.column = column

    def state_forwards(self, app_label, state):
        pass

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {"column": self.column})

    def _table(self, app_label, state):
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, to_state)
        col = self.column
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'CREATE INDEX "{table}_fts" ON "{table}" '
                f"USING gin (to_tsvector('simple'::regconfig, \"{col}\"))"
            )
        elif schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(
                f'CREATE VIRTUAL TABLE "{table}_fts" USING fts5("{col}", '
                f"content='{table}', content_rowid='id', tokenize='unicode61')"
            )
            schema_editor.execute(
                f'CREATE TRIGGER "{table}_fts_ai" AFTER INSERT ON "{table}" BEGIN '
                f'INSERT INTO "{table}_fts"(rowid, "{col}") VALUES (new.id, new."{col}"); END'
            )
            schema_editor.execute(
                f'CREATE TRIGGER "{table}_fts_ad" AFTER DELETE ON "{table}" BEGIN '
                f'INSERT INTO "{table}_fts"("{table}_fts", rowid, "{col}") '
                f"VALUES ('delete', old.id, old.\"{col}\"); END"
            )
            schema_editor.execute(
                f'CREATE TRIGGER "{table}_fts_au" AFTER UPDATE OF "{col}" ON "{table}" BEGIN '
                f'INSERT INTO "{table}_fts"("{table}_fts", rowid, "{col}") '
                f"VALUES ('delete', old.id, old.\"{col}\"); "
                f'INSERT INTO "{table}_fts"(rowid, "{col}") VALUES (new.id, new."{col}"); END'
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._drop(self._table(app_label, from_state), schema_editor)

    @staticmethod
    def _drop(table: str, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_fts"')
        elif schema_editor.connection.vendor == "sqlite":
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_fts_{suffix}"')
            schema_editor.execute(f'DROP TABLE IF EXISTS "{table}_fts"')

    def describe(self):
        return f"Full-text index on {self.model_name}.{self.column}"


class RebuildFullTextIndex(FullTextIndex):
    """Recreate the index and refill it from the table.

    SQLite rebuilds a table for most AlterField operations, and dropping the old table drops
    its FTS triggers with it. Wrap such an operation: ``RebuildFullTextIndex(m, on="backwards")``
    before it (it runs after the change when migrating back) and ``RebuildFullTextIndex(m)``
    after it.
    """

    def __init__(self, model_name: str, column: str = "search_text", on: str = "forwards"):
        super().__init__(model_name, column)
        self.on = on

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [self.model_name],
            {"column": self.column, "on": self.on},
        )

    def _rebuild(self, app_label, schema_editor, state):
        table = self._table(app_label, state)
        self._drop(table, schema_editor)
        FullTextIndex.database_forwards(self, app_label, schema_editor, state, state)
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f'INSERT INTO "{table}_fts"("{table}_fts") VALUES (\'rebuild\')')

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self.on == "forwards":
            self._rebuild(app_label, schema_editor, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self.on == "backwards":
            self._rebuild(app_label, schema_editor, to_state)

    def describe(self):
        return f"Rebuild the full-text index on {self.model_name}.{self.column} ({self.on})"
