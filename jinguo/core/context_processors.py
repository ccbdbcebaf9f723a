from django.conf import settings

from .navigation import menu_for


def shell(request):
    user = getattr(request, "user", None)
    data = {"site_name": settings.JINGUO_SITE_NAME}
    if user is not None and user.is_authenticated:
        data["menu"] = menu_for(user, request.path)
        data["unread_notifications"] = user.notifications.filter(read_at__isnull=True).count()
        data["user_roles"] = ", ".join(r.name for r in user.roles.all())
    return data
