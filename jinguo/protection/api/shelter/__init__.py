"""API of the shelter concern under /api/protection/: shelters (the address and phone only for
those who may locate the shelter), stays, emergency actions and mandatory reports (the reporter
only for those handling the report)."""

from .reports import EmergencyActionViewSet, ReportViewSet
from .shelters import ShelterViewSet, StayViewSet


def register(router) -> None:
    """Add this concern's viewsets to the app's router."""
    router.register("shelters", ShelterViewSet, basename="shelter")
    router.register("stays", StayViewSet, basename="shelterstay")
    router.register("emergency-actions", EmergencyActionViewSet, basename="emergencyaction")
    router.register("mandatory-reports", ReportViewSet, basename="mandatoryreport")
