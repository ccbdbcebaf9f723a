from django.urls import path

from .views import audit, calendar, home

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("notifications/", home.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", home.notification_read, name="notification_read"),
    path("notifications/read-all/", home.notification_read_all, name="notification_read_all"),
    path("audit/", audit.AuditEventListView.as_view(), name="audit_list"),
    path("audit/<int:pk>/", audit.AuditEventDetailView.as_view(), name="audit_detail"),
    path("audit/chain/", audit.audit_chain, name="audit_chain"),
    path("calendar/", calendar.CalendarListView.as_view(), name="calendar_list"),
    path("calendar/new/", calendar.CalendarDayCreateView.as_view(), name="calendar_create"),
    path(
        "calendar/<int:pk>/edit/",
        calendar.CalendarDayUpdateView.as_view(),
        name="calendar_update",
    ),
    path(
        "calendar/<int:pk>/delete/",
        calendar.CalendarDayDeleteView.as_view(),
        name="calendar_delete",
    ),
]
