from django.urls import path

from . import views_import

urlpatterns = [
    path("imports/", views_import.PersonImportListView.as_view(), name="import_list"),
    path("imports/template.xlsx", views_import.person_import_template, name="import_template"),
    path("imports/<int:pk>/", views_import.person_import_detail, name="import_detail"),
    path("imports/<int:pk>/status/", views_import.person_import_status, name="import_status"),
    path("imports/<int:pk>/issues/", views_import.person_import_issues, name="import_issues"),
    path(
        "imports/<int:pk>/issues.xlsx",
        views_import.person_import_issues_xlsx,
        name="import_issues_xlsx",
    ),
]
