import pytest
from django.db import connection

from jinguo.testing.factories import user_with_role

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers and its in-memory test database "
    "is not shared between threads",
)


@pytest.fixture
def district_auditor(tree):
    """A security auditor placed in 和平区妇联, not at the root of the tree."""
    return user_with_role(tree.district_a, "auditor", username="auditor_heping", real_name="钱审")
