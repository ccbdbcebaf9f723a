from django.urls import path

from . import views

urlpatterns = [
    path("persons/", views.PersonListView.as_view(), name="person_list"),
    path("persons/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("persons/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("persons/<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person_update"),
    path(
        "persons/<int:pk>/reveal/<str:field>/",
        views.PersonRevealView.as_view(),
        name="person_reveal",
    ),
    path(
        "persons/<int:pk>/deactivate/",
        views.PersonDeactivateView.as_view(),
        name="person_deactivate",
    ),
    path(
        "persons/<int:pk>/reactivate/",
        views.PersonReactivateView.as_view(),
        name="person_reactivate",
    ),
    path("persons/<int:pk>/merge/", views.PersonMergeView.as_view(), name="person_merge"),
    path(
        "persons/<int:pk>/unmerge/<int:event_id>/",
        views.PersonUnmergeView.as_view(),
        name="person_unmerge",
    ),
]
