"""The contribution registry: slots, ordering, permissions, and what core reads from it."""

import pytest
from django.test import RequestFactory

from jinguo.core import registry
from jinguo.core.navigation import menu_for


@pytest.fixture
def scratch(monkeypatch):
    """An empty registry for the test, the real one back afterwards."""
    empty = registry.Registry()
    monkeypatch.setattr(registry, "registry", empty)
    monkeypatch.setattr("jinguo.core.navigation.registry", empty)
    return empty


class FakeUser:
    is_authenticated = True
    pk = 1

    def __init__(self, *perms):
        self.perms = set(perms)

    def get_all_permissions(self):
        return self.perms

    def has_perm(self, perm):
        return perm in self.perms


def test_a_slot_taken_twice_is_a_programming_error(scratch):
    registry.menu_group("work", "工作")
    with pytest.raises(ValueError, match="registered twice"):
        registry.menu_group("work", "又一个")
    registry.audit_labels({"merge": "合并"})
    with pytest.raises(ValueError):
        registry.audit_labels({"merge": "合并档案"})
    registry.job("x.sweep", "检查", lambda: None)
    with pytest.raises(ValueError):
        registry.job("x.sweep", "检查", lambda: None)


def test_menu_follows_group_order_item_order_and_permissions(scratch):
    registry.menu_group("later", "后面", order=50)
    registry.menu_group("first", "前面", order=10)
    registry.menu_group("empty", "无权", order=20)
    registry.menu_item("later", "B", "core:notification_list", "ti-bell", order=20)
    registry.menu_item("later", "A", "core:home", "ti-home", order=10)
    registry.menu_item("first", "通知", "core:notification_list", "ti-bell")
    registry.menu_item("empty", "审计", "core:audit_list", "ti-x", permissions=("core.view_audit",))
    registry.menu_item("first", "未知页面", "no:such_url", "ti-x")
    registry.menu_item("first", "隐藏", "core:home", "ti-x", visible=lambda user: False)
    menu = menu_for(FakeUser(), "/")
    assert [g["label"] for g in menu] == ["前面", "后面"]
    assert [i["label"] for i in menu[1]["items"]] == ["A", "B"]
    assert [i["label"] for i in menu[0]["items"]] == ["通知"]
    menu = menu_for(FakeUser("core.view_audit"), "/audit/")
    assert [g["label"] for g in menu] == ["前面", "无权", "后面"]


def test_panels_and_sections_are_filtered_by_permission_and_by_their_context(scratch):
    registry.home_panel("a.never", "x.html", context=lambda user: None, order=1)
    registry.home_panel("b.some", "y.html", context=lambda user: {"n": 1}, order=2)
    registry.home_panel(
        "c.perm", "z.html", context=lambda user: {"n": 2}, permissions=("x.view_y",), order=0
    )
    assert [p.key for p, _ in registry.panels_for(FakeUser())] == ["b.some"]
    assert [p.key for p, _ in registry.panels_for(FakeUser("x.view_y"))] == ["c.perm", "b.some"]

    from jinguo.core.models import Notification

    registry.section("core.Notification", "s.two", "t.html", context=lambda u, o: {}, order=2)
    registry.section("core.notification", "s.one", "t.html", context=lambda u, o: {}, order=1)
    registry.section("core.notification", "s.none", "t.html", context=lambda u, o: None)
    keys = [s.key for s, _ in registry.sections_for(FakeUser(), Notification())]
    assert keys == ["s.one", "s.two"]


def test_page_sections_tag_renders_each_section_with_the_page_context(scratch, tmp_path, settings):
    (tmp_path / "sec.html").write_text("<p>{{ section_key }}:{{ extra }}:{{ page_value }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}
    ]
    from jinguo.core.models import Notification

    registry.section("core.notification", "demo.sec", "sec.html", context=lambda u, o: {"extra": 7})
    from django.template import Context, Template

    request = RequestFactory().get("/")
    request.user = FakeUser()
    tpl = Template("{% load jinguo %}{% page_sections obj %}")
    html = tpl.render(Context({"obj": Notification(), "page_value": "页", "request": request}))
    assert html == "<p>demo.sec:7:页</p>"


def test_every_app_registers_through_its_contrib_module():
    """The real registry, filled at start-up: each app's contributions are there."""
    real = registry.registry
    assert {"work", "cases", "people", "orgs", "admin"} <= set(real.menu_groups)
    assert {"cases.summary", "orgs.units_total", "accounts.users"} <= set(real.home_panels)
    assert "cases.person_cases" in real.sections["people.person"]
    assert {"cases.referrals", "cases.mediations", "cases.attachments"} <= set(
        real.sections["cases.case"]
    )
    assert {"cases.deadlines", "cases.intake_backlog"} <= set(real.jobs)
    assert "people.merge_person" in real.role_grants["rights_officer"]
    assert real.audit_labels["move"] == "调整隶属"
    assert {"cases.case", "people.person"} <= set(real.stats_sources)


@pytest.mark.django_db
def test_a_statistics_source_counts_only_what_the_user_may_see(tree):
    from jinguo.cases.tests.factories import make_case
    from jinguo.testing.factories import user_with_role

    make_case(tree.community_a)
    make_case(tree.community_b)
    source = registry.registry.stats_sources["cases.case"]
    officer = user_with_role(tree.district_a, "rights_officer")
    assert source.queryset(officer).count() == 1
    assert source.model_class()._meta.get_field(source.date_field)
    for name in source.dimensions:
        assert source.model_class()._meta.get_field(name.split("__")[0])
