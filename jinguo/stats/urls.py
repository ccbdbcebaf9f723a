from django.urls import path

from . import views
from .views import reports

app_name = "stats"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("source/<str:key>/", views.SourceView.as_view(), name="source"),
    path("reports/", reports.ReportListView.as_view(), name="report_list"),
    path("reports/start/", reports.ReportStartView.as_view(), name="report_start"),
    path("reports/overview/", reports.ReportOverviewView.as_view(), name="report_overview"),
    path("reports/<int:pk>/", reports.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/fill/", reports.ReportFillView.as_view(), name="report_fill"),
    path("reports/<int:pk>/review/", reports.ReportReviewView.as_view(), name="report_review"),
    path("reports/<int:pk>/correct/", reports.ReportCorrectView.as_view(), name="report_correct"),
    path("reports/forms/", reports.ReportFormListView.as_view(), name="reportform_list"),
    path(
        "reports/cells/<int:pk>/",
        reports.ReportCellUpdateView.as_view(),
        name="reportcell_update",
    ),
]
