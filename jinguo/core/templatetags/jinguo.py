"""Template tags that render what the apps contribute through core/registry.py."""

from django import template

from jinguo.core import registry

register = template.Library()


def _render(context, template_name: str, extra: dict) -> str:
    tpl = context.template.engine.get_template(template_name)
    with context.push(**extra):
        return tpl.render(context)


@register.simple_tag(takes_context=True)
def page_sections(context, obj) -> str:
    """The sections other apps registered for ``obj``'s detail page, in their order. Each sees
    the page's context plus its own."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or user is None or not user.is_authenticated:
        return ""
    from django.utils.safestring import mark_safe

    parts = [
        _render(context, entry.template, {**extra, "section_key": entry.key})
        for entry, extra in registry.sections_for(user, obj)
    ]
    return mark_safe("".join(parts))  # noqa: S308 — each part is an auto-escaped template


@register.simple_tag(takes_context=True)
def home_panels(context) -> str:
    """The 工作台 panels this user sees, each rendered from its own template and context."""
    from django.utils.safestring import mark_safe

    panels = context.get("panels") or []
    parts = [
        _render(context, panel.template, {**extra, "panel_key": panel.key})
        for panel, extra in panels
    ]
    return mark_safe("".join(parts))  # noqa: S308 — each part is an auto-escaped template


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key`` — a dict's value for a key held in a variable."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def audit_label(action: str) -> str:
    """The Chinese label of an audit action, e.g. login_failed → 登录失败."""
    from jinguo.core.audit import action_label

    return action_label(action)
