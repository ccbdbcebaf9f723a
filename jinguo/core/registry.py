"""The contribution registry: how an app adds itself to the places the platform shares.

Core owns the side menu, the home page (工作台), the detail pages' extra sections, the
scheduler, the shipped roles, the audit trail's labels and the statistics, but knows no app by
name. Each app fills these slots from its own ``<app>/contrib.py``, which core imports once at
start-up (``autodiscover``); a new module is added by writing its app and its contrib.py,
without editing anyone else's code.

Every callable an app registers receives the requesting user and must read through
``restrict()``: a panel or a section shows only what that user may see.

A contrib.py looks like this::

    from django.utils.translation import gettext_lazy as _
    from jinguo.core import registry

    registry.menu_group("protection", _("反家暴"), order=25)
    registry.menu_item("protection", _("预警"), "protection:warning_list", "ti-alert-triangle",
                       permissions=("protection.view_warning",))
    registry.home_panel("protection.warnings", "protection/panels/warnings.html",
                        context=warnings_panel, order=20)
    registry.section("people.person", "protection.orders", "protection/sections/orders.html",
                     context=orders_for_person, order=40)
    registry.job("protection.expiring_orders", _("保护令到期提醒"), sweep_orders)
    registry.role_grants("rights_officer", ["protection.view_warning", ...])
    registry.audit_labels({"warn": _("发出预警")})
    registry.stats_source("protection.warning", _("预警"), model="protection.Warning",
                          date_field="raised_at", dimensions={"level": _("等级")})
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.module_loading import autodiscover_modules

# --- the entries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: Any
    order: int = 100


@dataclass(frozen=True)
class MenuItem:
    group: str
    label: Any
    url_name: str
    icon: str
    permissions: tuple[str, ...] = ()
    order: int = 100
    # Shown only when this returns true for the user (beyond the permissions), e.g. an entry
    # for partner-agency accounts only. Receives the user.
    visible: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class HomePanel:
    """A card (or a row of cards) on the 工作台. ``context(user)`` returns the template's
    context, or None when the panel has nothing to show this user."""

    key: str
    template: str
    context: Callable[[Any], dict | None]
    order: int = 100
    permissions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A card on another model's detail page. ``context(user, obj)`` returns the template's
    context (added to the page's own), or None to leave the section out."""

    model: str
    key: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100
    permissions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Job:
    """A periodic job of the one scheduler. ``function(now=None)`` returns a result that
    ``describe(result)`` turns into one line for the log (default: str)."""

    key: str
    label: Any
    function: Callable[..., Any]
    every_minutes: int = 10
    describe: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class StatsSource:
    """Something an app can count for the statistics: a scoped model, the date that places a
    record in a period, and the fields it may be broken down by (name → label)."""

    key: str
    label: Any
    model: str
    date_field: str
    dimensions: dict[str, Any] = field(default_factory=dict)
    # Extra filter on the model's rows (e.g. only open cases), as ORM keyword arguments.
    filters: dict[str, Any] = field(default_factory=dict)
    # Dimension values whose small counts could identify a person (violence categories,
    # sensitive tags): dimension → the stored values, or a callable returning them (for
    # values that are database rows). Figures of these values below 5 are suppressed for
    # users without core.view_sensitive; records flagged by the model's
    # ``scope_sensitive_field`` are treated so whatever their dimension values.
    sensitive: dict[str, Any] = field(default_factory=dict)
    # A numeric field summed beside the count (a volunteer's confirmed hours): the summary
    # keeps the sum per row, and formulas read it with ``sum("key")``. Empty: counts only.
    measure: str = ""
    measure_label: Any = ""

    def model_class(self):
        return apps.get_model(self.model)

    def queryset(self, user):
        return self.model_class().objects.restrict(user, "view").filter(**self.filters)


class Registry:
    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.menu_groups: dict[str, MenuGroup] = {}
        self.menu_items: list[MenuItem] = []
        self.home_panels: dict[str, HomePanel] = {}
        self.sections: dict[str, dict[str, Section]] = {}
        self.jobs: dict[str, Job] = {}
        self.role_grants: dict[str, list[str]] = {}
        self.audit_labels: dict[str, Any] = {}
        self.stats_sources: dict[str, StatsSource] = {}

    # Duplicate keys are programming errors: two apps claiming the same slot would silently
    # hide one of them.
    @staticmethod
    def _add(table: dict, key: str, entry, what: str) -> None:
        if key in table:
            raise ValueError(f"{what} {key!r} is registered twice")
        table[key] = entry


registry = Registry()


def menu_group(key: str, label, *, order: int = 100) -> MenuGroup:
    entry = MenuGroup(key, label, order)
    Registry._add(registry.menu_groups, key, entry, "menu group")
    return entry


def menu_item(
    group: str,
    label,
    url_name: str,
    icon: str,
    *,
    permissions: Iterable[str] = (),
    order: int = 100,
    visible: Callable[[Any], bool] | None = None,
) -> MenuItem:
    entry = MenuItem(group, label, url_name, icon, tuple(permissions), order, visible)
    registry.menu_items.append(entry)
    return entry


def home_panel(
    key: str,
    template: str,
    *,
    context: Callable[[Any], dict | None],
    order: int = 100,
    permissions: Iterable[str] = (),
) -> HomePanel:
    entry = HomePanel(key, template, context, order, tuple(permissions))
    Registry._add(registry.home_panels, key, entry, "home panel")
    return entry


def section(
    model: str,
    key: str,
    template: str,
    *,
    context: Callable[[Any, Any], dict | None],
    order: int = 100,
    permissions: Iterable[str] = (),
) -> Section:
    model = model.lower()
    entry = Section(model, key, template, context, order, tuple(permissions))
    Registry._add(registry.sections.setdefault(model, {}), key, entry, "section")
    return entry


def job(
    key: str,
    label,
    function: Callable[..., Any],
    *,
    every_minutes: int = 10,
    describe: Callable[[Any], str] | None = None,
) -> Job:
    entry = Job(key, label, function, every_minutes, describe)
    Registry._add(registry.jobs, key, entry, "job")
    return entry


def role_grants(role_code: str, permissions: Iterable[str]) -> None:
    """Permissions the shipped role ``role_code`` gets from the calling app."""
    granted = registry.role_grants.setdefault(role_code, [])
    granted.extend(p for p in permissions if p not in granted)


def audit_labels(labels: dict[str, Any]) -> None:
    for action, label in labels.items():
        Registry._add(registry.audit_labels, action, label, "audit action")


def stats_source(
    key: str,
    label,
    *,
    model: str,
    date_field: str,
    dimensions: dict[str, Any] | None = None,
    filters: dict[str, Any] | None = None,
    sensitive: dict[str, Any] | None = None,
    measure: str = "",
    measure_label="",
) -> StatsSource:
    entry = StatsSource(
        key,
        label,
        model,
        date_field,
        dict(dimensions or {}),
        dict(filters or {}),
        dict(sensitive or {}),
        measure,
        measure_label,
    )
    Registry._add(registry.stats_sources, key, entry, "statistics source")
    return entry


# --- reading ---------------------------------------------------------------------------------


def _permitted(user, permissions: tuple[str, ...], perms: set[str] | None = None) -> bool:
    if not permissions:
        return True
    perms = user.get_all_permissions() if perms is None else perms
    return any(p in perms for p in permissions)


def panels_for(user) -> list[tuple[HomePanel, dict]]:
    """The home panels this user sees, in order, each with its context."""
    perms = user.get_all_permissions()
    shown = []
    for panel in sorted(registry.home_panels.values(), key=lambda p: (p.order, p.key)):
        if not _permitted(user, panel.permissions, perms):
            continue
        context = panel.context(user)
        if context is not None:
            shown.append((panel, context))
    return shown


def sections_for(user, obj) -> list[tuple[Section, dict]]:
    """The registered sections of ``obj``'s detail page that this user sees, in order."""
    label = obj._meta.label_lower
    perms = user.get_all_permissions()
    shown = []
    for entry in sorted(registry.sections.get(label, {}).values(), key=lambda s: (s.order, s.key)):
        if not _permitted(user, entry.permissions, perms):
            continue
        context = entry.context(user, obj)
        if context is not None:
            shown.append((entry, context))
    return shown


def audit_label(action: str):
    return registry.audit_labels.get(action)


def jobs() -> list[Job]:
    return sorted(registry.jobs.values(), key=lambda j: j.key)


def autodiscover() -> None:
    """Import every installed app's contrib.py (called once from core's AppConfig.ready)."""
    autodiscover_modules("contrib")
