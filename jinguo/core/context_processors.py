from django.conf import settings

from .navigation import menu_for


def shell(request):
    # Once per request: a page that renders a table renders a second template (django-tables2's
    # {% render_table %}), which would build the menu and count the notifications again.
    cached = getattr(request, "_jinguo_shell", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    data = {"site_name": settings.JINGUO_SITE_NAME}
    if user is not None and user.is_authenticated:
        data["menu"] = menu_for(user, request.path)
        data["unread_notifications"] = user.notifications.filter(read_at__isnull=True).count()
        data["user_roles"] = ", ".join(r.name for r in user.roles.all())
    request._jinguo_shell = data
    return data
