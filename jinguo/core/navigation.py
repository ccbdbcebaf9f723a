"""Side navigation, assembled from the menu groups and items the apps register.

An entry is shown only to users holding one of its permissions (and passing its ``visible``
test, where it has one); a group with no entry left is not shown.
"""

from django.urls import NoReverseMatch, reverse

from .registry import registry


def menu_for(user, current_path: str) -> list[dict]:
    perms = user.get_all_permissions()
    order = {key: (group.order, key) for key, group in registry.menu_groups.items()}
    by_group: dict[str, list] = {}
    for index, item in enumerate(registry.menu_items):
        if item.group not in order:
            continue
        if item.permissions and not any(p in perms for p in item.permissions):
            continue
        if item.visible is not None and not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        by_group.setdefault(item.group, []).append(
            ((item.order, index), {"label": item.label, "url": url, "icon": item.icon})
        )
    groups = []
    for key in sorted(by_group, key=order.__getitem__):
        items = [
            dict(entry, active=False) for _, entry in sorted(by_group[key], key=lambda e: e[0])
        ]
        groups.append({"label": registry.menu_groups[key].label, "items": items})
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
