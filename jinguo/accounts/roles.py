"""The roles a new installation ships with. Administrators may edit them afterwards."""

from django.utils.translation import gettext_lazy as _


def crud(app: str, *models: str, actions=("view", "add", "change")) -> list[str]:
    return [f"{app}.{a}_{m}" for m in models for a in actions]


PEOPLE_MODELS = ("person", "household", "persontag", "visit", "consent", "contactassignment")
PEOPLE_VIEW = crud("people", *PEOPLE_MODELS, actions=("view",))
PEOPLE_WORK = crud("people", *PEOPLE_MODELS)
# Tag types are configuration: those who tag people may read them.
TAG_TYPES_VIEW = ["people.view_focustagtype"]

CASE_CONFIG_VIEW = ["cases.view_category", "cases.view_deadlinepolicy", "cases.view_agency"]
CASES_VIEW = [
    "cases.view_case",
    "cases.view_referral",
    "cases.view_mediation",
    "cases.view_attachment",
    *CASE_CONFIG_VIEW,
]
CASES_WORK = [
    *crud("cases", "case", "referral", "mediation"),
    "cases.view_attachment",
    "cases.add_attachment",
    "cases.dispatch_case",
    "cases.close_case",
    "cases.print_case",
    *CASE_CONFIG_VIEW,
]

DEFAULT_ROLES = [
    {
        "code": "sysadmin",
        "name": _("系统管理员"),
        "description": _("管理用户、角色和组织机构；不能查看个案和个人档案（三权分立）。"),
        "permissions": [
            "orgs.view_orgunit",
            "orgs.add_orgunit",
            "orgs.change_orgunit",
            "orgs.move_orgunit",
            "orgs.import_orgunit",
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.delete_user",
            "accounts.view_role",
            "accounts.add_role",
            "accounts.change_role",
            "accounts.delete_role",
            "core.manage_users",
            *crud("people", "focustagtype"),
            *crud("core", "calendarday", actions=("view", "add", "change", "delete")),
            *crud("cases", "category", "deadlinepolicy", "agency"),
        ],
    },
    {
        "code": "auditor",
        "name": _("安全审计员"),
        "description": _("只读审计日志，可导出审计记录；不能查看业务数据。"),
        "permissions": ["core.view_audit", "core.export"],
    },
    {
        "code": "leader",
        "name": _("妇联领导"),
        "description": _("查看本级及下级的全部工作和统计，包括敏感个案。"),
        "permissions": [
            "orgs.view_orgunit",
            "accounts.view_user",
            "core.view_sensitive",
            "core.export",
            *PEOPLE_VIEW,
            *TAG_TYPES_VIEW,
            *CASES_VIEW,
            "cases.dispatch_case",
            "cases.approve_case",
            "cases.print_case",
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
            *PEOPLE_WORK,
            *TAG_TYPES_VIEW,
            "people.merge_person",
            "people.import_person",
            *CASES_WORK,
            "cases.add_agency",
            "cases.change_agency",
        ],
    },
    {
        "code": "hotline_operator",
        "name": _("12338接线员"),
        "description": _("接听 12338 热线，登记来电诉求并查看来电人历史记录。"),
        "permissions": [
            "orgs.view_orgunit",
            "core.view_sensitive",
            "people.view_person",
            "people.add_person",
            "people.view_persontag",
            "people.view_consent",
            "cases.view_case",
            "cases.add_case",
            "cases.change_case",
            "cases.dispatch_case",
            "cases.close_case",
            *CASE_CONFIG_VIEW,
        ],
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
            *PEOPLE_WORK,
            *TAG_TYPES_VIEW,
            "people.import_person",
            *CASES_WORK,
        ],
    },
    {
        "code": "grid_worker",
        "name": _("网格员"),
        "description": _("走访联系户、上报网格内的诉求和矛盾纠纷。"),
        "permissions": [
            "orgs.view_orgunit",
            "people.view_person",
            "people.add_person",
            "people.change_person",
            "people.view_household",
            "people.view_persontag",
            "people.view_consent",
            "people.view_contactassignment",
            "people.view_visit",
            "people.add_visit",
            "people.change_visit",
            "cases.view_case",
            "cases.add_case",
            "cases.view_category",
        ],
    },
    {
        "code": "partner",
        "name": _("合作机构用户"),
        "description": _("公安、法院、法律援助、庇护所等合作机构；只能看到转介给本机构的事项。"),
        # Access comes from membership of an agency (cases.AgencyMember), never from a subtree.
        "permissions": ["cases.respond_referral"],
    },
]

# Separation of duties (三权分立): no role, and no account through its roles, may hold both
# permissions of a pair — whoever manages accounts must not also read the audit trail on them.
INCOMPATIBLE_PERMISSIONS = [("core.manage_users", "core.view_audit")]

# Models whose permissions are plumbing, never granted through a role: notifications belong to
# their recipient and shares are created by workflows that check their own permissions.
UNASSIGNABLE_MODELS = {"core.notification", "core.share"}
