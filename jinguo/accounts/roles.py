"""The roles a new installation ships with. Administrators may edit them afterwards."""

from django.utils.translation import gettext_lazy as _

from jinguo.core.registry import registry


def crud(app: str, *models: str, actions=("view", "add", "change")) -> list[str]:
    return [f"{app}.{a}_{m}" for m in models for a in actions]


# The shipped roles with the permissions of the platform's base (core, orgs, accounts). Each
# domain app adds what the role needs from it in its own contrib.py (registry.role_grants);
# default_roles() puts the two together.
BASE_ROLES = [
    {
        "code": "sysadmin",
        "requires_two_factor": True,
        "name": _("系统管理员"),
        "description": _("管理用户、角色和组织机构；不能查看个案和个人档案（三权分立）。"),
        "permissions": [
            "orgs.view_orgunit",
            "orgs.add_orgunit",
            "orgs.change_orgunit",
            "orgs.move_orgunit",
            "orgs.import_orgunit",
            *crud("accounts", "user", "role", actions=("view", "add", "change", "delete")),
            "core.manage_users",
            *crud("core", "calendarday", actions=("view", "add", "change", "delete")),
        ],
    },
    {
        "code": "auditor",
        "requires_two_factor": True,
        "name": _("安全审计员"),
        "description": _("只读审计日志，可导出审计记录；不能查看业务数据。"),
        "permissions": ["core.view_audit", "core.export"],
    },
    {
        "code": "leader",
        "requires_two_factor": True,
        "name": _("妇联领导"),
        "description": _("查看本级及下级的全部工作和统计，包括敏感个案。"),
        "permissions": [
            "orgs.view_orgunit",
            "accounts.view_user",
            "core.view_sensitive",
            "core.export",
        ],
    },
    {
        "code": "rights_officer",
        "name": _("维权干部"),
        "description": _("受理、办理、转介维权个案，跟进调解与回访。"),
        "permissions": [
            "orgs.view_orgunit",
            "accounts.view_user",
            "core.view_sensitive",
            "core.reveal_pii",
            "core.export",
        ],
    },
    {
        "code": "hotline_operator",
        "name": _("12338接线员"),
        "description": _("接听 12338 热线，登记来电诉求并查看来电人历史记录。"),
        "permissions": ["orgs.view_orgunit", "core.view_sensitive"],
    },
    {
        "code": "community_chair",
        "name": _("社区妇联主席/执委"),
        "description": _("管理本社区（村）的妇女之家、重点关注档案和联系户。"),
        "permissions": [
            "orgs.view_orgunit",
            "accounts.view_user",
            "core.export",
            "core.reveal_pii",
        ],
    },
    {
        "code": "grid_worker",
        "name": _("网格员"),
        "description": _("走访联系户、上报网格内的诉求和矛盾纠纷。"),
        "permissions": ["orgs.view_orgunit"],
    },
    {
        "code": "partner",
        "name": _("合作机构用户"),
        "description": _("公安、法院、法律援助、庇护所等合作机构；只能看到转介给本机构的事项。"),
        # Access comes from membership of an agency (cases.AgencyMember), never from a subtree.
        "permissions": [],
    },
]
ROLE_CODES = [spec["code"] for spec in BASE_ROLES]


# The roles that manage accounts, read the audit trail or see every case of a subtree sign in
# with a second factor ("requires_two_factor"); administrators may change this on the role.


def default_roles() -> list[dict]:
    """The shipped roles, each with its base permissions and those the apps grant it."""
    roles = []
    for spec in BASE_ROLES:
        granted = registry.role_grants.get(spec["code"], [])
        permissions = list(dict.fromkeys([*spec["permissions"], *granted]))
        roles.append({**spec, "permissions": permissions})
    return roles


# Separation of duties (三权分立): no role, and no account through its roles, may hold both
# permissions of a pair — whoever manages accounts must not also read the audit trail on them.
INCOMPATIBLE_PERMISSIONS = [("core.manage_users", "core.view_audit")]

# Models whose permissions are plumbing, never granted through a role: notifications belong to
# their recipient and shares are created by workflows that check their own permissions.
UNASSIGNABLE_MODELS = {"core.notification", "core.share"}
