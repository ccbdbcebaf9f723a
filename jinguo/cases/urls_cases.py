"""Routes of intake, the work queues, the case page with its transitions, and printables."""

from django.urls import path, re_path

from . import views, views_case, views_intake, views_print
from .forms.cases import ACTION_FORMS

# Only the transitions of this module, so other modules' "<pk>/<word>/" routes stay theirs.
ACTION_RE = "|".join(sorted(ACTION_FORMS))

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("hotline/", views_intake.hotline, name="hotline"),
    path("hotline/lookup/", views_intake.hotline_lookup, name="hotline_lookup"),
    path("new/", views_intake.intake_view, name="intake"),
    path("filters/", views.saved_filter_create, name="saved_filter_create"),
    path("filters/<int:pk>/delete/", views.saved_filter_delete, name="saved_filter_delete"),
    path("extensions/", views.ExtensionListView.as_view(), name="extension_list"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("<int:pk>/", views_case.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views_case.case_edit, name="case_edit"),
    path("<int:pk>/parties/new/", views_case.party_add, name="party_add"),
    path(
        "<int:pk>/parties/<int:party_pk>/remove/",
        views_case.party_remove,
        name="party_remove",
    ),
    path("<int:pk>/print/", views_print.case_print, name="case_print"),
    path("<int:pk>/decline-notice/", views_print.decline_notice, name="decline_notice"),
    re_path(
        rf"^(?P<pk>[0-9]+)/(?P<action>{ACTION_RE})/$", views_case.case_action, name="case_action"
    ),
]
