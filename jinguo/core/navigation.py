"""Side navigation: each entry is shown only to users holding one of its permissions."""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    icon: str
    permissions: tuple[str, ...] = ()


@dataclass(frozen=True)
class MenuGroup:
    label: str
    items: list[MenuItem] = field(default_factory=list)


MENU = [
    MenuGroup(
        _("工作"),
        [
            MenuItem(_("工作台"), "core:home", "ti-layout-dashboard"),
            MenuItem(_("消息通知"), "core:notification_list", "ti-bell"),
        ],
    ),
    MenuGroup(
        _("维权服务"),
        [
            MenuItem(_("12338来电登记"), "cases:hotline", "ti-phone-call", ("cases.add_case",)),
            MenuItem(_("登记诉求"), "cases:intake", "ti-file-plus", ("cases.add_case",)),
            MenuItem(_("个案工作台"), "cases:case_list", "ti-briefcase", ("cases.view_case",)),
            MenuItem(
                _("延期审批"), "cases:extension_list", "ti-clock-plus", ("cases.approve_case",)
            ),
            MenuItem(
                _("转介事项"),
                "cases:referral_list",
                "ti-arrows-exchange",
                ("cases.view_referral", "cases.respond_referral"),
            ),
            MenuItem(_("调解记录"), "cases:mediation_list", "ti-scale", ("cases.view_mediation",)),
            MenuItem(
                _("合作机构"), "cases:agency_list", "ti-building-bank", ("cases.view_agency",)
            ),
        ],
    ),
    MenuGroup(
        _("重点关注档案"),
        [
            MenuItem(_("人员档案"), "people:person_list", "ti-id-badge-2", ("people.view_person",)),
            MenuItem(
                _("家庭"), "people:household_list", "ti-home-heart", ("people.view_household",)
            ),
            MenuItem(
                _("我的联系户"),
                "people:my_contacts",
                "ti-address-book",
                ("people.view_visit", "people.view_contactassignment"),
            ),
            MenuItem(
                _("联系工作"),
                "people:contact_list",
                "ti-users-group",
                ("people.change_contactassignment",),
            ),
            MenuItem(_("走访记录"), "people:visit_list", "ti-walk", ("people.view_visit",)),
            MenuItem(
                _("待复核标签"), "people:review_list", "ti-calendar-due", ("people.view_persontag",)
            ),
            MenuItem(
                _("档案导入"), "people:import_list", "ti-table-import", ("people.import_person",)
            ),
            MenuItem(
                _("关注标签类型"), "people:tagtype_list", "ti-tags", ("people.view_focustagtype",)
            ),
        ],
    ),
    MenuGroup(
        _("组织体系"),
        [
            MenuItem(_("组织树"), "orgs:orgunit_tree", "ti-sitemap", ("orgs.view_orgunit",)),
            MenuItem(
                _("单位列表"), "orgs:orgunit_list", "ti-building-community", ("orgs.view_orgunit",)
            ),
            MenuItem(
                _("导入区划代码"), "orgs:orgunit_import", "ti-file-import", ("orgs.import_orgunit",)
            ),
        ],
    ),
    MenuGroup(
        _("系统管理"),
        [
            MenuItem(_("用户"), "accounts:user_list", "ti-users", ("accounts.view_user",)),
            MenuItem(
                _("角色与权限"), "accounts:role_list", "ti-shield-lock", ("accounts.view_role",)
            ),
            MenuItem(_("审计日志"), "core:audit_list", "ti-file-search", ("core.view_audit",)),
            MenuItem(
                _("节假日安排"), "core:calendar_list", "ti-calendar", ("core.view_calendarday",)
            ),
            MenuItem(
                _("诉求类别"), "cases:category_list", "ti-category", ("cases.change_category",)
            ),
            MenuItem(
                _("办理期限规则"),
                "cases:policy_list",
                "ti-hourglass",
                ("cases.change_deadlinepolicy",),
            ),
            MenuItem(_("接口文档"), "api-docs", "ti-api", ("core.manage_users",)),
        ],
    ),
]


def menu_for(user, current_path: str) -> list[dict]:
    perms = user.get_all_permissions()
    groups = []
    for group in MENU:
        items = []
        for item in group.items:
            if item.permissions and not any(p in perms for p in item.permissions):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": False})
        if items:
            groups.append({"label": group.label, "items": items})
    # Only the entry with the longest matching URL is highlighted (/cases/referrals/ is not
    # also 个案工作台 at /cases/).
    matches = [
        item
        for group in groups
        for item in group["items"]
        if current_path == item["url"]
        or (item["url"] != "/" and current_path.startswith(item["url"]))
    ]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return groups
