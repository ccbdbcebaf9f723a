"""The remembered signatures answer as django-tables2's own, for functions and methods."""

from django_tables2 import utils

from jinguo.core import table_signatures


class Column:
    def render(self, value, record):
        return value

    def render_kw(self, value, **kwargs):
        return value


def plain(record, bound_column=None):
    return record


def test_cached_signatures_equal_the_library_ones():
    assert utils.signature is table_signatures.cached_signature
    column = Column()
    for fn in (column.render, Column.render, column.render_kw, plain, lambda value: value):
        assert table_signatures.cached_signature(fn) == table_signatures._original(fn)
        # Asked again (a bound method is a new object each time): the same answer.
        assert table_signatures.cached_signature(fn) == table_signatures._original(fn)
    assert table_signatures.cached_signature(column.render) == (("value", "record"), None)
    assert table_signatures.cached_signature(Column.render) == (("self", "value", "record"), None)
