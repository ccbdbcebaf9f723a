"""core/table.html's cells, built by {% row_cells %}, are what the per-cell template gave."""

import django_tables2 as tables
from django.template import Context, Template
from django.test import RequestFactory
from django_tables2 import RequestConfig

PER_CELL_TEMPLATE = (
    "{% for row in table.paginated_rows %}"
    '{% for column, cell in row.items %}<td {{ column.attrs.td.as_html }} data-label="'
    '{{ column.header }}"{% if column.name in table.phone_hidden %} data-phone="hide"'
    '{% elif column.name == table.phone_lead %} data-phone="lead"{% endif %}>{{ cell }}</td>'
    "{% endfor %}|{% endfor %}"
)
TAG_TEMPLATE = (
    "{% load jinguo_tables %}{% for row in table.paginated_rows %}"
    "{% row_cells table row %}|{% endfor %}"
)


class PlainTable(tables.Table):
    name = tables.Column(verbose_name="姓名 <b>", attrs={"td": {"class": "text-nowrap"}})
    amount = tables.Column(verbose_name="金额")
    note = tables.Column(verbose_name="备注", default="—")
    flag = tables.Column(
        verbose_name="标记",
        attrs={"td": {"data-flag": lambda record: "on" if record["amount"] > 1000 else "off"}},
    )

    phone_lead = "name"
    phone_hidden = ("note",)

    class Meta:
        attrs = {"td": {"data-cell": "x"}}


class NoPhoneTable(tables.Table):
    name = tables.Column()
    amount = tables.Column()


ROWS = [
    {"name": "李<芳>", "amount": 1234567, "note": None, "flag": True},
    {"name": "王 & 张", "amount": 12, "note": "已回访", "flag": False},
    {"name": "赵", "amount": 3000, "note": "<script>", "flag": None},
]


def render(source: str, table) -> str:
    return Template(source).render(Context({"table": table}))


def test_row_cells_equal_the_per_cell_template():
    request = RequestFactory().get("/")
    for table_class in (PlainTable, NoPhoneTable):
        table = table_class(ROWS)
        RequestConfig(request, paginate={"per_page": 10}).configure(table)
        expected = render(PER_CELL_TEMPLATE, table)
        assert render(TAG_TEMPLATE, table) == expected
        assert expected.count("<td ") == len(ROWS) * len(table.columns)
    # The callable attribute was worked out row by row.
    table = PlainTable(ROWS)
    RequestConfig(request, paginate={"per_page": 10}).configure(table)
    html = render(TAG_TEMPLATE, table)
    assert html.count('data-flag="on"') == 2 and html.count('data-flag="off"') == 1
    assert "&lt;script&gt;" in html and "李&lt;芳&gt;" in html
