from django.urls import path
from django.views.generic import RedirectView

from . import views, views_import

app_name = "orgs"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orgs:orgunit_tree")),
    path("tree/", views.OrgUnitTreeView.as_view(), name="orgunit_tree"),
    path("tree/<int:pk>/children/", views.orgunit_tree_children, name="orgunit_tree_children"),
    path("units/", views.OrgUnitListView.as_view(), name="orgunit_list"),
    path("units/new/", views.OrgUnitCreateView.as_view(), name="orgunit_create"),
    path("units/<int:pk>/", views.OrgUnitDetailView.as_view(), name="orgunit_detail"),
    path("units/<int:pk>/edit/", views.OrgUnitUpdateView.as_view(), name="orgunit_update"),
    path("units/<int:pk>/move/", views.OrgUnitMoveView.as_view(), name="orgunit_move"),
    path("import/", views_import.OrgUnitImportView.as_view(), name="orgunit_import"),
    path(
        "import/template.xlsx",
        views_import.orgunit_import_template,
        name="orgunit_import_template",
    ),
    path("import/errors.xlsx", views_import.orgunit_import_errors, name="orgunit_import_errors"),
]
