"""/api/notices/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .assessment import (
    AssessmentRankingView,
    AssessmentViewSet,
    AssessmentYearsView,
    IndicatorViewSet,
)
from .views import NoticeViewSet, ReceiptViewSet

router = SimpleRouter()
router.register("inbox", ReceiptViewSet, basename="receipt")
router.register("sent", NoticeViewSet, basename="notice")
router.register("assessment/indicators", IndicatorViewSet, basename="assessment-indicator")
router.register("assessment/scores", AssessmentViewSet, basename="assessment-score")

urlpatterns = [
    path("assessment/years/", AssessmentYearsView.as_view(), name="assessment-years"),
    path("assessment/ranking/", AssessmentRankingView.as_view(), name="assessment-ranking"),
    *router.urls,
]
