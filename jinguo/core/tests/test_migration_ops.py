"""The big tables' indexes are built without blocking writes on PostgreSQL (on SQLite the
operations are Django's own, which every test database's migrate already runs)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="CONCURRENTLY is PostgreSQL's")
@pytest.mark.parametrize(
    ("app", "migration"),
    [("cases", "0007"), ("cases", "0008"), ("cases", "0009"), ("protection", "0003")],
)
def test_case_indexes_are_built_concurrently_on_postgresql(app, migration):
    out = io.StringIO()
    call_command("sqlmigrate", app, migration, stdout=out)
    sql = out.getvalue()
    assert "CREATE INDEX CONCURRENTLY" in sql
    assert "BEGIN;" not in sql  # CONCURRENTLY is refused inside a transaction
