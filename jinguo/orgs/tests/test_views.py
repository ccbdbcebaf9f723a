import re

import pytest
from django.urls import reverse

from jinguo.core.models import AuditEvent
from jinguo.orgs.models import OrgUnit
from jinguo.testing.factories import UserFactory, user_with_role
from jinguo.testing.tree import make_unit

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_tree_starts_at_the_home_unit_with_counts(client, tree, district_officer, community_chair):
    client.force_login(district_officer)
    r = client.get(reverse("orgs:orgunit_tree"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "和平区妇联" in html
    assert "春晖街道妇联" in html
    assert "新华区妇联" not in html
    # 春晖街道: two communities below it; one user (the chair; the officer sits in 和平区).
    node = html[html.index(f'data-unit="{tree.street_a.pk}"') :]
    assert "2 个下级单位" in node[:2000]
    assert "1 名用户" in node[:2000]
    assert reverse("orgs:orgunit_tree_children", args=[tree.street_a.pk]) in html


def test_tree_children_partial_for_htmx(client, tree, district_officer):
    client.force_login(district_officer)
    url = reverse("orgs:orgunit_tree_children", args=[tree.street_a.pk])
    r = client.get(url, **HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    assert "<html" not in html
    assert "芳草社区妇联" in html and "杏林社区妇联" in html
    assert html.count("data-unit=") == 2
    # 芳草社区 has a grid below it: it can be expanded in turn.
    assert reverse("orgs:orgunit_tree_children", args=[tree.community_a.pk]) in html


def test_tree_hides_user_counts_from_those_who_may_not_see_users(client, tree):
    grid_worker = user_with_role(tree.district_a, "grid_worker")
    client.force_login(grid_worker)
    html = client.get(reverse("orgs:orgunit_tree")).content.decode()
    assert "春晖街道妇联" in html
    assert "名用户" not in html


def test_tree_children_outside_scope_is_404(client, tree, district_officer):
    client.force_login(district_officer)
    url = reverse("orgs:orgunit_tree_children", args=[tree.street_b.pk])
    assert client.get(url, **HTMX).status_code == 404
    assert client.get(reverse("orgs:orgunit_tree") + f"?root={tree.street_b.pk}").status_code == 404


def test_tree_pages_children_beyond_the_page_size(client, tree, sysadmin, monkeypatch):
    from jinguo.orgs import selectors

    monkeypatch.setattr(selectors, "TREE_PAGE_SIZE", 1)
    monkeypatch.setattr(selectors.tree_children, "__kwdefaults__", {"offset": 0, "limit": 1})
    client.force_login(sysadmin)
    html = client.get(reverse("orgs:orgunit_tree")).content.decode()
    assert "加载更多" in html
    more = client.get(
        reverse("orgs:orgunit_tree_children", args=[tree.city.pk]) + "?offset=1", **HTMX
    ).content.decode()
    assert "新华区妇联" in more


def test_tree_and_list_query_counts_do_not_grow_with_the_tree(
    client, tree, sysadmin, django_assert_max_num_queries
):
    for i in range(30):
        street = make_unit(f"990101{100 + i}", f"测试街道{i}", "township", tree.district_a)
        UserFactory(home_unit=street)
    client.force_login(sysadmin)
    # Pinned: the session, the user, her permissions and the shell's counters (about 8
    # queries), then a fixed handful per page, whatever the number of units or users; each
    # restrict() reads the user's shared ids once.
    with django_assert_max_num_queries(16):
        r = client.get(reverse("orgs:orgunit_tree_children", args=[tree.district_a.pk]), **HTMX)
    assert r.content.decode().count("data-unit=") == 31
    with django_assert_max_num_queries(15):
        assert client.get(reverse("orgs:orgunit_tree")).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("orgs:orgunit_list")).status_code == 200
    with django_assert_max_num_queries(27):
        assert (
            client.get(reverse("orgs:orgunit_detail", args=[tree.district_a.pk])).status_code == 200
        )
    with django_assert_max_num_queries(8):
        assert client.get(reverse("orgunit-list")).status_code == 200


def test_list_filters(client, tree, district_officer):
    client.force_login(district_officer)
    url = reverse("orgs:orgunit_list")

    def listed(**params):
        r = client.get(url, params)
        assert r.status_code == 200
        return {u.code for u in r.context["table"].page.object_list.data}

    assert listed(q="杏林") == {"990101001002"}
    assert listed(q="99010100100") == {"990101001001", "990101001002", "990101001001G01"}
    assert listed(kind="grid") == {"990101001001G01"}
    assert listed(parent=tree.street_a.pk) == {"990101001001", "990101001002"}
    assert listed(subtree=tree.community_a.pk) == {"990101001001", "990101001001G01"}
    assert listed(level=tree.street_a.level) == {"990101001"}
    assert "990101" not in listed(is_active="true") - {"990101"} | set()
    # Choices of the parent filter are the user's own units only.
    html = client.get(url).content.decode()
    assert "春晖街道妇联（990101001）" in html
    assert "新华区妇联" not in html
    r = client.get(url, HTTP_HX_REQUEST="true")
    assert "<html" not in r.content.decode()


def test_detail_shows_ancestors_children_members_and_actions(
    client, tree, sysadmin, community_chair
):
    client.force_login(sysadmin)
    r = client.get(reverse("orgs:orgunit_detail", args=[tree.community_a.pk]))
    html = r.content.decode()
    crumbs = html[html.index('class="breadcrumb') : html.index("</ol>")]
    assert re.search(r"示范市妇联.*和平区妇联.*春晖街道妇联.*芳草社区妇联", crumbs, re.S)
    assert "芳草社区第一网格" in html  # child
    assert "李芳" in html  # member
    assert reverse("orgs:orgunit_update", args=[tree.community_a.pk]) in html
    assert reverse("orgs:orgunit_move", args=[tree.community_a.pk]) in html


def test_detail_for_a_reader_has_no_write_actions_and_hides_members(client, tree):
    hotline = user_with_role(tree.city, "hotline_operator")
    client.force_login(hotline)
    html = client.get(reverse("orgs:orgunit_detail", args=[tree.community_a.pk])).content.decode()
    assert reverse("orgs:orgunit_update", args=[tree.community_a.pk]) not in html
    assert reverse("orgs:orgunit_move", args=[tree.community_a.pk]) not in html
    assert "本单位用户" not in html


def test_detail_out_of_scope_is_404(client, tree, other_district_officer):
    client.force_login(other_district_officer)
    assert client.get(reverse("orgs:orgunit_detail", args=[tree.community_a.pk])).status_code == 404


def test_create_page_prefills_from_the_parent(client, tree, sysadmin):
    client.force_login(sysadmin)
    r = client.get(reverse("orgs:orgunit_create") + f"?parent={tree.street_a.pk}")
    form = r.context["form"]
    assert form.initial["parent"] == tree.street_a.pk
    assert form.initial["kind"] == "community"
    assert form.initial["code"] == "990101001"


def test_failed_create_keeps_what_was_typed(client, tree, sysadmin):
    client.force_login(sysadmin)
    data = {
        "parent": tree.street_a.pk,
        "kind": "community",
        "code": "990102001009",
        "name": "新建的光明社区妇联",
        "short_name": "光明社区",
    }
    r = client.post(reverse("orgs:orgunit_create"), data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "代码应以上级单位的代码 990101001 开头" in html
    assert 'value="新建的光明社区妇联"' in html
    assert 'value="990102001009"' in html
    data["code"] = "990101001009"
    r = client.post(reverse("orgs:orgunit_create"), data)
    unit = OrgUnit.objects.get(code="990101001009")
    assert r.status_code == 302 and r["Location"] == unit.get_absolute_url()


def test_edit_page_and_failed_edit(client, tree, sysadmin):
    client.force_login(sysadmin)
    url = reverse("orgs:orgunit_update", args=[tree.street_a.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"name": "春晖街道妇联", "phone": "abc", "is_active": "on"})
    assert r.status_code == 200
    assert "联系电话格式不正确" in r.content.decode()
    r = client.post(url, {"name": "春晖街道妇联", "phone": "0512-66881234", "is_active": "on"})
    assert r.status_code == 302
    tree.street_a.refresh_from_db()
    assert tree.street_a.phone == "0512-66881234"


def test_move_page(client, tree, sysadmin, community_chair):
    client.force_login(sysadmin)
    url = reverse("orgs:orgunit_move", args=[tree.community_a2.pk])
    r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "明德街道妇联" in html  # a possible new parent
    r = client.post(url, {"new_parent": tree.community_a2.pk})
    assert r.status_code == 200  # its own subtree is not a choice
    r = client.post(url, {"new_parent": tree.street_b.pk, "reason": "社区划转"})
    assert r.status_code == 302
    tree.community_a2.refresh_from_db()
    assert tree.community_a2.path == "9901/990102/990102001/990101001002/"
    assert AuditEvent.objects.filter(action="move").count() == 1


def test_move_and_edit_pages_out_of_scope_are_404(client, tree, district_officer):
    client.force_login(district_officer)
    assert client.get(reverse("orgs:orgunit_move", args=[tree.street_a.pk])).status_code == 404
    assert client.get(reverse("orgs:orgunit_update", args=[tree.street_a.pk])).status_code == 404
    assert client.get(reverse("orgs:orgunit_create")).status_code == 404


def test_create_form_offers_and_accepts_only_units_in_scope(client, tree):
    from jinguo.testing.factories import grant

    clerk = UserFactory(home_unit=tree.district_b)
    grant(clerk, "orgs.view_orgunit", "orgs.add_orgunit")
    client.force_login(clerk)
    html = client.get(reverse("orgs:orgunit_create")).content.decode()
    assert "明德街道妇联（990102001）" in html
    assert "春晖街道妇联" not in html
    data = {"parent": tree.street_a.pk, "kind": "community", "code": "990101001009", "name": "越界"}
    r = client.post(reverse("orgs:orgunit_create"), data)
    assert r.status_code == 200
    assert "parent" in r.context["form"].errors


def test_detail_children_table_pages_with_htmx(client, tree, sysadmin):
    for i in range(25):
        make_unit(f"990101{200 + i}", f"分页街道{i:02d}", "township", tree.district_a)
    client.force_login(sysadmin)
    url = reverse("orgs:orgunit_detail", args=[tree.district_a.pk])
    html = client.get(url).content.decode()
    assert 'id="object-table"' in html and "共 26 条" in html
    r = client.get(url, {"c-page": 2}, HTTP_HX_REQUEST="true")
    part = r.content.decode()
    assert "<html" not in part
    assert "分页街道24" in part and "分页街道00" not in part
