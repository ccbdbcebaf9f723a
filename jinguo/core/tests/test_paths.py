import pytest
from django.db import connection

from jinguo.orgs.models import OrgUnit
from jinguo.testing.tree import make_unit


@pytest.mark.django_db
def test_subtree_excludes_a_sibling_whose_code_extends_the_prefix(tree):
    # 9901011 starts with 990101 but is a sibling of 和平区 (990101), not inside it.
    trap = make_unit("9901011", "示范市区域妇联", "area", tree.city)
    inside = set(
        OrgUnit.objects.filter(path__subtree=tree.district_a.path).values_list("code", flat=True)
    )
    assert trap.code not in inside
    assert {"990101", "990101001", "990101001001", "990101001002", "990101001001G01"} == inside


@pytest.mark.django_db
def test_subtree_of_root_is_everything(tree):
    assert OrgUnit.objects.filter(path__subtree=tree.city.path).count() == OrgUnit.objects.count()


@pytest.mark.django_db
def test_subtree_lookup_uses_the_path_index(tree):
    qs = OrgUnit.objects.filter(path__subtree=tree.district_a.path).values("id")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cur.fetchall())
            assert "orgs_unit_path_prefix" in plan, plan
            assert "Index Cond" in plan, plan
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = "\n".join(str(row[-1]) for row in cur.fetchall())
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
            assert "path>? AND path<?" in plan.replace(" ", "").replace(
                "path>?ANDpath<?", "path>? AND path<?"
            ), plan
