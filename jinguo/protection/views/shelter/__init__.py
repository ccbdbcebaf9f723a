"""Pages of the shelter concern: shelters and stays (``shelters``), the emergency checklist
and mandatory reports (``reports``)."""

from django.urls import path

from .reports import (
    EmergencyTickView,
    ReportActionView,
    ReportCreateView,
    ReportDetailView,
    ReportListView,
)
from .shelters import (
    ShelterCreateView,
    ShelterDetailView,
    ShelterListView,
    ShelterUpdateView,
    StayAdmitView,
    StayDetailView,
    StayLeaveView,
    StayListView,
    StayShareRevokeView,
    StayShareView,
    StayUpdateView,
)

urlpatterns = [
    path("shelters/", ShelterListView.as_view(), name="shelter_list"),
    path("shelters/new/", ShelterCreateView.as_view(), name="shelter_create"),
    path("shelters/<int:pk>/", ShelterDetailView.as_view(), name="shelter_detail"),
    path("shelters/<int:pk>/edit/", ShelterUpdateView.as_view(), name="shelter_update"),
    path("stays/", StayListView.as_view(), name="shelterstay_list"),
    path("stays/new/", StayAdmitView.as_view(), name="shelterstay_create"),
    path("stays/<int:pk>/", StayDetailView.as_view(), name="shelterstay_detail"),
    path("stays/<int:pk>/edit/", StayUpdateView.as_view(), name="shelterstay_update"),
    path("stays/<int:pk>/leave/", StayLeaveView.as_view(), name="shelterstay_leave"),
    path("stays/<int:pk>/share/", StayShareView.as_view(), name="shelterstay_share"),
    path(
        "stays/<int:pk>/shares/<int:share_pk>/revoke/",
        StayShareRevokeView.as_view(),
        name="shelterstay_share_revoke",
    ),
    path(
        "cases/<int:case_pk>/emergency/", EmergencyTickView.as_view(), name="emergencyaction_create"
    ),
    path("reports/", ReportListView.as_view(), name="mandatoryreport_list"),
    path("reports/new/", ReportCreateView.as_view(), name="mandatoryreport_create"),
    path("reports/<int:pk>/", ReportDetailView.as_view(), name="mandatoryreport_detail"),
    path("reports/<int:pk>/<str:verb>/", ReportActionView.as_view(), name="mandatoryreport_action"),
]
