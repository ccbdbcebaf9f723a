"""/api/volunteers/: volunteer service and women's councils."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .councils import CouncilViewSet, MeetingViewSet, ResolutionViewSet
from .volunteering import (
    ActivityViewSet,
    CarePairingViewSet,
    HoursSummaryView,
    ParticipationViewSet,
    TeamViewSet,
    VolunteerViewSet,
)

router = SimpleRouter()
router.register("teams", TeamViewSet, basename="volunteers-team")
router.register("volunteers", VolunteerViewSet, basename="volunteers-volunteer")
router.register("activities", ActivityViewSet, basename="volunteers-activity")
router.register("signups", ParticipationViewSet, basename="volunteers-signup")
router.register("pairings", CarePairingViewSet, basename="volunteers-pairing")
router.register("councils", CouncilViewSet, basename="volunteers-council")
router.register("meetings", MeetingViewSet, basename="volunteers-meeting")
router.register("resolutions", ResolutionViewSet, basename="volunteers-resolution")

urlpatterns = [
    path("hours/", HoursSummaryView.as_view(), name="volunteers-hours-summary"),
    *router.urls,
]
