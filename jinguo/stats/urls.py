from django.urls import path

from . import views
from .views import report_settings, reports

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
    path("reports/forms/", report_settings.ReportFormListView.as_view(), name="reportform_list"),
    path(
        "reports/forms/new/",
        report_settings.ReportFormCreateView.as_view(),
        name="reportform_create",
    ),
    path(
        "reports/forms/<int:pk>/",
        report_settings.ReportFormEditView.as_view(),
        name="reportform_edit",
    ),
    path(
        "reports/forms/<int:pk>/cells/<int:row>/<int:column>/",
        report_settings.ReportCellEditView.as_view(),
        name="reportcell_edit",
    ),
    path(
        "reports/cells/<int:pk>/",
        report_settings.ReportCellUpdateView.as_view(),
        name="reportcell_update",
    ),
]
