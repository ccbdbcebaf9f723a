from django.urls import path
from django.views.generic import RedirectView

from .views import importing, units

app_name = "orgs"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orgs:orgunit_tree")),
    path("tree/", units.OrgUnitTreeView.as_view(), name="orgunit_tree"),
    path("tree/<int:pk>/children/", units.orgunit_tree_children, name="orgunit_tree_children"),
    path("units/", units.OrgUnitListView.as_view(), name="orgunit_list"),
    path("units/search/", units.orgunit_search, name="unit_search"),
    path("units/new/", units.OrgUnitCreateView.as_view(), name="orgunit_create"),
    path("units/<int:pk>/", units.OrgUnitDetailView.as_view(), name="orgunit_detail"),
    path("units/<int:pk>/edit/", units.OrgUnitUpdateView.as_view(), name="orgunit_update"),
    path("units/<int:pk>/move/", units.OrgUnitMoveView.as_view(), name="orgunit_move"),
    path("import/", importing.OrgUnitImportView.as_view(), name="orgunit_import"),
    path(
        "import/template.xlsx",
        importing.orgunit_import_template,
        name="orgunit_import_template",
    ),
    path("import/errors.xlsx", importing.orgunit_import_errors, name="orgunit_import_errors"),
]
