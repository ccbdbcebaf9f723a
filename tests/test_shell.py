"""The UI shell: Chinese pages, navigation by permission, error pages, no outside assets."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from jinguo.testing.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_login_page_is_in_chinese(client):
    r = client.get(reverse("accounts:login"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "登录您的账号" in html
    assert '<html lang="zh-hans">' in html
    assert 'name="viewport"' in html


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    r = client.get(reverse("core:home"))
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("accounts:login"))


def menu_labels(client, user) -> set[str]:
    client.force_login(user)
    html = client.get(reverse("core:home")).content.decode()
    return set(re.findall(r'<span class="nav-link-title">([^<]+)</span>', html))


def test_navigation_follows_permissions(client, sysadmin, auditor, community_chair):
    admin_menu = menu_labels(client, sysadmin)
    assert {"用户", "角色与权限", "组织树"} <= admin_menu
    assert "审计日志" not in admin_menu

    auditor_menu = menu_labels(client, auditor)
    assert "审计日志" in auditor_menu
    assert not {"用户", "组织树", "角色与权限"} & auditor_menu

    chair_menu = menu_labels(client, community_chair)
    assert "组织树" in chair_menu
    assert not {"审计日志", "角色与权限", "导入区划代码"} & chair_menu
    assert {"12338来电登记", "登记诉求"} <= chair_menu and "网格上报" not in chair_menu


def test_the_grid_worker_sees_her_own_entries(client, tree):
    from jinguo.testing.factories import user_with_role

    grid = user_with_role(tree.grid_a, "grid_worker", username="grid_menu")
    menu = menu_labels(client, grid)
    assert "网格上报" in menu
    assert not {"12338来电登记", "登记诉求"} & menu
    page = client.get(reverse("cases:intake")).content.decode()
    assert "网格上报" in page


def test_home_shows_the_unit_and_counts_over_the_subtree(client, tree, district_officer):
    client.force_login(district_officer)
    html = client.get(reverse("core:home")).content.decode()
    assert "和平区妇联" in html
    # 和平区 itself, 1 street, 2 communities, 1 grid.
    assert re.search(r'data-testid="units-total">\s*5\s*<', html)


def test_top_bar_names_user_unit_and_role(client, community_chair):
    client.force_login(community_chair)
    html = client.get(reverse("core:home")).content.decode()
    assert "李芳" in html
    assert "芳草社区妇联 · 社区妇联主席/执委" in html


@pytest.mark.django_db
def test_error_pages_are_chinese(client, tree):
    client.force_login(UserFactory(home_unit=tree.city))
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    assert "找不到您要的页面" in r.content.decode()


def test_500_page_is_chinese_and_standalone():
    html = (ROOT / "jinguo/core/templates/500.html").read_text()
    assert "系统出现错误" in html
    assert "{%" not in html


def test_no_page_loads_anything_from_outside_the_server():
    offenders = []
    pattern = re.compile(r'(?:src|href)\s*=\s*["\']\s*(?:https?:)?//', re.I)
    for path in ROOT.glob("jinguo/**/templates/**/*.html"):
        if pattern.search(path.read_text()):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_api_schema_and_docs_are_served_locally(client, sysadmin):
    client.force_login(sysadmin)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r'(?:src|href)\s*=\s*["\']https?://', html)
