"""The searchable unit picker: stored pinyin initials, the scoped search and its endpoint."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse

from jinguo.orgs import selectors
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.forms import UnitSearchField
from jinguo.orgs.models import OrgUnit
from jinguo.testing.factories import UserFactory
from jinguo.testing.tree import make_unit

pytestmark = pytest.mark.django_db

PLACEABLE = "?kind=community&kind=grid"


def search(client, query, kinds=PLACEABLE):
    url = f"{reverse('orgs:unit_search')}{kinds}&q={quote(query)}"
    return client.get(url).content.decode()


def test_units_store_their_pinyin_initials_on_every_write(tree):
    assert tree.community_a.name_initials == "fcsqfl"  # 芳草社区妇联
    tree.community_a.name = "芳华社区妇联"
    tree.community_a.save(update_fields=["name"])
    tree.community_a.refresh_from_db()
    assert tree.community_a.name_initials == "fhsqfl"
    # Imports write in bulk; the initials follow there too.
    [made] = OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code="9901010010099",
                name="新建村",
                kind=UnitKind.COMMUNITY,
                level=5,
                parent=tree.street_a,
                path=f"{tree.street_a.path}9901010010099/",
            )
        ]
    )
    assert OrgUnit.objects.get(code="9901010010099").name_initials == "xjc"
    made.name = "幸福村"
    OrgUnit.objects.bulk_update([made], ["name"])
    assert OrgUnit.objects.get(code="9901010010099").name_initials == "xfc"


def test_search_by_initials_and_by_part_of_the_name(client, tree, district_officer):
    client.force_login(district_officer)
    html = search(client, "fc")
    assert "芳草社区妇联" in html and "芳草社区第一网格" in html
    assert "杏林社区妇联" not in html
    html = search(client, "XLSQ")  # capitals and all
    assert "杏林社区妇联" in html
    html = search(client, "第一网格")
    assert f'data-unit-option="{tree.grid_a.pk}"' in html
    assert f'data-unit-option="{tree.community_a.pk}"' not in html
    # The parent's name tells two same-named villages apart.
    assert 'data-unit-label="芳草社区第一网格（芳草社区妇联）"' in html


def test_search_keeps_to_the_kinds_asked_and_the_users_scope(client, tree, district_officer):
    client.force_login(district_officer)
    assert f'data-unit-option="{tree.grid_a.pk}"' not in search(client, "fc", "?kind=community")
    assert "春晖街道妇联" not in search(client, "ch")  # a street files no person
    assert "桃李社区妇联" not in search(client, "tl")  # 新华区 lies outside 和平区
    assert "桃李社区妇联" not in search(client, "桃李")


def test_search_needs_permission_to_see_units(client, tree):
    nobody = UserFactory(home_unit=tree.city, username="plain")  # no role at all
    client.force_login(nobody)
    response = client.get(reverse("orgs:unit_search"), {"q": "fc"})
    assert response.status_code == 403


def test_search_lists_at_most_twenty_and_says_there_are_more(client, tree, district_officer):
    for i in range(25):
        make_unit(f"990101001{i + 100:03d}", f"红星{i}社区妇联", UnitKind.COMMUNITY, tree.street_a)
    client.force_login(district_officer)
    html = search(client, "hx", "?kind=community")
    assert html.count("data-unit-option=") == 20
    assert "只列出前 20 个" in html


def test_initials_search_is_an_indexed_lookup(tree):
    queryset = OrgUnit.objects.filter(kind__in=[UnitKind.COMMUNITY, UnitKind.GRID])
    rows = selectors.unit_search(queryset, "fc")
    assert {u.name for u in rows} == {"芳草社区妇联", "芳草社区第一网格"}
    sql = str(queryset.filter(name_initials__prefix="fc").query)
    if connection.vendor == "sqlite":
        assert "LIKE" not in sql  # a range, which SQLite serves from the index
        with connection.cursor() as cursor:
            compiled, params = queryset.filter(name_initials__prefix="fc").query.sql_with_params()
            cursor.execute("EXPLAIN QUERY PLAN " + compiled, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "orgs_unit_initials" in plan


def test_field_validates_against_its_scoped_queryset(tree):
    field = UnitSearchField(OrgUnit.objects.filter(pk=tree.community_a.pk))
    assert field.clean(str(tree.community_a.pk)) == tree.community_a
    with pytest.raises(Exception, match="不在您的管辖范围内"):
        field.clean(str(tree.community_b.pk))


def test_migration_backfills_the_initials_of_existing_units(tree):
    from importlib import import_module

    from django.db.migrations.executor import MigrationExecutor

    migration = import_module("jinguo.orgs.migrations.0003_unit_name_initials")
    state = MigrationExecutor(connection).loader.project_state(("orgs", "0003_unit_name_initials"))
    OrgUnit.objects.update(name_initials="")
    migration.backfill(state.apps, None)
    assert OrgUnit.objects.get(pk=tree.community_b.pk).name_initials == "tlsqfl"
    assert not OrgUnit.objects.filter(name_initials="").exists()
