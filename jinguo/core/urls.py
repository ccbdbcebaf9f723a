from django.urls import path

from . import calendar_views, views
from .audit_views import AuditEventDetailView, AuditEventListView

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("audit/", AuditEventListView.as_view(), name="audit_list"),
    path("audit/<int:pk>/", AuditEventDetailView.as_view(), name="audit_detail"),
    path("calendar/", calendar_views.CalendarListView.as_view(), name="calendar_list"),
    path("calendar/new/", calendar_views.CalendarDayCreateView.as_view(), name="calendar_create"),
    path(
        "calendar/<int:pk>/edit/",
        calendar_views.CalendarDayUpdateView.as_view(),
        name="calendar_update",
    ),
    path(
        "calendar/<int:pk>/delete/",
        calendar_views.CalendarDayDeleteView.as_view(),
        name="calendar_delete",
    ),
]
