from django.urls import path

from .views import config, pages, pickers

app_name = "cadres"

urlpatterns = [
    path("roster/", pages.PositionListView.as_view(), name="position_list"),
    path("roster/summary/", pages.RosterSummaryView.as_view(), name="roster_summary"),
    path("roster/new/", pages.PositionCreateView.as_view(), name="position_create"),
    path("roster/<int:pk>/", pages.PositionDetailView.as_view(), name="position_detail"),
    path("roster/<int:pk>/edit/", pages.PositionUpdateView.as_view(), name="position_update"),
    path("roster/<int:pk>/card/", pages.PositionCardView.as_view(), name="position_card"),
    path("elections/", pages.ElectionListView.as_view(), name="election_list"),
    path("elections/new/", pages.ElectionCreateView.as_view(), name="election_create"),
    path("elections/<int:pk>/", pages.ElectionDetailView.as_view(), name="election_detail"),
    path(
        "elections/<int:pk>/candidates/",
        pages.CandidateAddView.as_view(),
        name="candidate_add",
    ),
    path(
        "elections/<int:pk>/candidates/<int:candidate_pk>/remove/",
        pages.CandidateRemoveView.as_view(),
        name="candidate_remove",
    ),
    path("elections/<int:pk>/report/", pages.ElectionReportView.as_view(), name="election_report"),
    path("elections/<int:pk>/decide/", pages.ElectionDecideView.as_view(), name="election_decide"),
    path("points/", pages.ContactPointListView.as_view(), name="point_list"),
    path("points/new/", pages.ContactPointCreateView.as_view(), name="point_create"),
    path("points/<int:pk>/", pages.ContactPointDetailView.as_view(), name="point_detail"),
    path("points/<int:pk>/edit/", pages.ContactPointUpdateView.as_view(), name="point_update"),
    path("points/<int:pk>/end/", pages.ContactPointEndView.as_view(), name="point_end"),
    path("points/<int:pk>/visit/", pages.VisitCreateView.as_view(), name="visit_create"),
    path("pairings/", pages.PairingListView.as_view(), name="pairing_list"),
    path("pairings/new/", pages.PairingCreateView.as_view(), name="pairing_create"),
    path("pairings/<int:pk>/contact/", pages.PairingContactView.as_view(), name="pairing_contact"),
    path("trainings/", pages.TrainingListView.as_view(), name="training_list"),
    path("trainings/new/", pages.TrainingCreateView.as_view(), name="training_create"),
    path("trainings/<int:pk>/", pages.TrainingDetailView.as_view(), name="training_detail"),
    path("trainings/due/", pages.RetrainingDueView.as_view(), name="retraining_due"),
    path("qualifications/", pages.QualificationListView.as_view(), name="qualification_list"),
    path(
        "qualifications/new/",
        pages.QualificationCreateView.as_view(),
        name="qualification_create",
    ),
    path("pickers/persons/", pickers.person_search, name="person_search"),
    path("pickers/households/", pickers.household_search, name="household_search"),
    # configuration (系统管理)
    path("config/position-types/", config.PositionTypeListView.as_view(), name="positiontype_list"),
    path(
        "config/position-types/new/",
        config.PositionTypeCreateView.as_view(),
        name="positiontype_create",
    ),
    path(
        "config/position-types/<int:pk>/edit/",
        config.PositionTypeUpdateView.as_view(),
        name="positiontype_update",
    ),
    path(
        "config/retraining-rules/",
        config.RetrainingRuleListView.as_view(),
        name="retrainingrule_list",
    ),
    path(
        "config/retraining-rules/new/",
        config.RetrainingRuleCreateView.as_view(),
        name="retrainingrule_create",
    ),
    path(
        "config/retraining-rules/<int:pk>/edit/",
        config.RetrainingRuleUpdateView.as_view(),
        name="retrainingrule_update",
    ),
]
