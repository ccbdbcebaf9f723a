"""What the key-focus records app adds to the platform's shared places (see core/registry.py)."""

from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import crud
from jinguo.core import registry

from . import panels
from .services.importing.housekeeping import person_imports_housekeeping

MODELS = ("person", "household", "persontag", "visit", "consent", "contactassignment")


# --- menu ----------------------------------------------------------------------------------

registry.menu_group("people", _("重点关注档案"), order=30)
for label, url_name, icon, permissions in [
    (_("人员档案"), "people:person_list", "ti-id-badge-2", ("people.view_person",)),
    (_("家庭"), "people:household_list", "ti-home-heart", ("people.view_household",)),
    (
        _("我的联系户"),
        "people:my_contacts",
        "ti-address-book",
        ("people.view_visit", "people.view_contactassignment"),
    ),
    (_("联系工作"), "people:contact_list", "ti-users-group", ("people.change_contactassignment",)),
    (_("走访记录"), "people:visit_list", "ti-walk", ("people.view_visit",)),
    (_("待复核标签"), "people:review_list", "ti-calendar-due", ("people.view_persontag",)),
    (_("档案导入"), "people:person_import_list", "ti-table-import", ("people.import_person",)),
    (_("关注标签类型"), "people:tagtype_list", "ti-tags", ("people.view_focustagtype",)),
]:
    registry.menu_item("people", label, url_name, icon, permissions=permissions)

# --- roles ---------------------------------------------------------------------------------

# Tag types are configuration: those who tag people may read them.
TAG_TYPES_VIEW = ["people.view_focustagtype"]
registry.role_grants("sysadmin", crud("people", "focustagtype"))
registry.role_grants("leader", [*crud("people", *MODELS, actions=("view",)), *TAG_TYPES_VIEW])
registry.role_grants(
    "rights_officer",
    [*crud("people", *MODELS), *TAG_TYPES_VIEW, "people.merge_person", "people.import_person"],
)
registry.role_grants(
    "hotline_operator",
    ["people.view_person", "people.add_person", "people.view_persontag", "people.view_consent"],
)
registry.role_grants(
    "community_chair", [*crud("people", *MODELS), *TAG_TYPES_VIEW, "people.import_person"]
)
registry.role_grants(
    "grid_worker",
    [
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
    ],
)

# --- audit trail ---------------------------------------------------------------------------

registry.audit_labels({"merge": _("合并档案"), "unmerge": _("撤销合并"), "review": _("复核")})

# --- scheduler -----------------------------------------------------------------------------

# Abandoned imports (their process died) fail with a message, and no upload outlives its job.
registry.job(
    "people.imports",
    _("档案导入清理"),
    person_imports_housekeeping,
    every_minutes=5,
    describe=str,
)

# --- statistics ----------------------------------------------------------------------------

registry.stats_source(
    "people.person",
    _("重点关注人员"),
    model="people.Person",
    date_field="created_at",
    dimensions={"gender": _("性别"), "registration": _("户籍"), "living_situation": _("居住状况")},
    filters={"merged_into__isnull": True},
)
registry.stats_source(
    "people.visit",
    _("走访"),
    model="people.Visit",
    date_field="visited_on",
    dimensions={"method": _("走访方式")},
)
# Key-focus tags by type (the quarterly report of key-focus people counts them). The key keeps
# the "stats." prefix it was first registered under: the summary rows and the shipped
# indicator formulas name it.
registry.stats_source(
    "stats.person_tags",
    _("重点关注标签"),
    model="people.PersonTag",
    date_field="since",
    dimensions={"tag_type": _("关注类型")},
)

# --- 工作台 ----------------------------------------------------------------------------------

registry.home_panel(
    "people.contacts", "people/panels/contacts.html", context=panels.contacts_panel, order=14
)
