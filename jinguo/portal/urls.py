"""Included at the site root: the public portal under /portal/, its staff pages under
/portal-staff/ (staff layout, not hardened like the public pages), and the neutral page the
quick exit lands on (/rili/, a calendar with nothing of the portal in it)."""

from django.urls import path, re_path

from .security import portal_view
from .views import public, staff

app_name = "portal"

urlpatterns = [
    path("portal/", portal_view(public.home), name="home"),
    path("portal/help/", portal_view(public.safety), name="safety"),
    path("portal/help/place/", portal_view(public.place), name="place"),
    path("portal/help/form/", portal_view(public.appeal), name="appeal"),
    path("portal/track/", portal_view(public.track), name="track"),
    path("portal/rights/", portal_view(public.rights), name="rights"),
    path("portal/rights/<int:pk>/", portal_view(public.rights_page), name="rights_page"),
    path("portal/schedule/", portal_view(public.schedule), name="schedule"),
    path("portal/nearby/", portal_view(public.nearby), name="nearby"),
    re_path(r"^portal/(?P<rest>.*)$", portal_view(public.not_found), name="not_found"),
    path("rili/", portal_view(public.neutral), name="neutral"),
    path("portal-staff/cases/<int:pk>/reply/", staff.ReplyPublishView.as_view(), name="reply"),
    path("portal-staff/pages/", staff.PageListView.as_view(), name="page_list"),
    path("portal-staff/pages/new/", staff.PageCreateView.as_view(), name="page_create"),
    path("portal-staff/pages/<int:pk>/", staff.PageUpdateView.as_view(), name="page_update"),
    path("portal-staff/schedule/", staff.SlotListView.as_view(), name="slot_list"),
    path("portal-staff/schedule/new/", staff.SlotCreateView.as_view(), name="slot_create"),
    path("portal-staff/schedule/<int:pk>/", staff.SlotUpdateView.as_view(), name="slot_update"),
]
