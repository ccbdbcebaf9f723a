from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views
from .reports import ReportViewSet

router = SimpleRouter()
router.register("reports", ReportViewSet, basename="stats-report")

urlpatterns = [
    path("", views.StatsIndexView.as_view(), name="stats-api-index"),
    path("sources/<str:key>/", views.StatsSourceView.as_view(), name="stats-api-source"),
    *router.urls,
]
