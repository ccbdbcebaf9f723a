from django.urls import path

from . import views

app_name = "cadres"

urlpatterns = [
    path("roster/", views.PositionListView.as_view(), name="position_list"),
    path("roster/new/", views.PositionCreateView.as_view(), name="position_create"),
    path("roster/<int:pk>/", views.PositionDetailView.as_view(), name="position_detail"),
    path("roster/<int:pk>/edit/", views.PositionUpdateView.as_view(), name="position_update"),
    path("roster/<int:pk>/card/", views.PositionCardView.as_view(), name="position_card"),
    path("elections/", views.ElectionListView.as_view(), name="election_list"),
    path("elections/new/", views.ElectionCreateView.as_view(), name="election_create"),
    path("elections/<int:pk>/", views.ElectionDetailView.as_view(), name="election_detail"),
    path(
        "elections/<int:pk>/candidates/",
        views.CandidateAddView.as_view(),
        name="candidate_add",
    ),
    path(
        "elections/<int:pk>/candidates/<int:candidate_pk>/remove/",
        views.CandidateRemoveView.as_view(),
        name="candidate_remove",
    ),
    path("elections/<int:pk>/report/", views.ElectionReportView.as_view(), name="election_report"),
    path("elections/<int:pk>/decide/", views.ElectionDecideView.as_view(), name="election_decide"),
    path("points/", views.ContactPointListView.as_view(), name="point_list"),
    path("points/new/", views.ContactPointCreateView.as_view(), name="point_create"),
    path("points/<int:pk>/", views.ContactPointDetailView.as_view(), name="point_detail"),
    path("points/<int:pk>/visit/", views.VisitCreateView.as_view(), name="visit_create"),
    path("pairings/", views.PairingListView.as_view(), name="pairing_list"),
    path("pairings/new/", views.PairingCreateView.as_view(), name="pairing_create"),
    path("pairings/<int:pk>/contact/", views.PairingContactView.as_view(), name="pairing_contact"),
    path("trainings/", views.TrainingListView.as_view(), name="training_list"),
    path("trainings/new/", views.TrainingCreateView.as_view(), name="training_create"),
    path("trainings/<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
    path("trainings/due/", views.RetrainingDueView.as_view(), name="retraining_due"),
    path("qualifications/", views.QualificationListView.as_view(), name="qualification_list"),
    path(
        "qualifications/new/",
        views.QualificationCreateView.as_view(),
        name="qualification_create",
    ),
]
