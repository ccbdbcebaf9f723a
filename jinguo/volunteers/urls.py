from django.urls import path

from .views import councils, volunteering

app_name = "volunteers"

urlpatterns = [
    path("teams/", volunteering.TeamListView.as_view(), name="team_list"),
    path("teams/new/", volunteering.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:pk>/", volunteering.TeamDetailView.as_view(), name="team_detail"),
    path("teams/<int:pk>/edit/", volunteering.TeamUpdateView.as_view(), name="team_update"),
    path("people/", volunteering.VolunteerListView.as_view(), name="volunteer_list"),
    path("people/new/", volunteering.VolunteerCreateView.as_view(), name="volunteer_create"),
    path("people/<int:pk>/", volunteering.VolunteerDetailView.as_view(), name="volunteer_detail"),
    path(
        "people/<int:pk>/certificate/",
        volunteering.VolunteerCertificateView.as_view(),
        name="volunteer_certificate",
    ),
    path(
        "people/<int:pk>/decide/",
        volunteering.VolunteerDecideView.as_view(),
        name="volunteer_decide",
    ),
    path("activities/", volunteering.ActivityListView.as_view(), name="activity_list"),
    path("activities/new/", volunteering.ActivityCreateView.as_view(), name="activity_create"),
    path("activities/<int:pk>/", volunteering.ActivityDetailView.as_view(), name="activity_detail"),
    path(
        "activities/<int:pk>/edit/",
        volunteering.ActivityUpdateView.as_view(),
        name="activity_update",
    ),
    path(
        "activities/<int:pk>/cancel/",
        volunteering.ActivityCancelView.as_view(),
        name="activity_cancel",
    ),
    path("activities/<int:pk>/signup/", volunteering.SignupView.as_view(), name="signup"),
    path("signups/<int:pk>/hours/", volunteering.HoursView.as_view(), name="hours"),
    path("signups/<int:pk>/confirm/", volunteering.ConfirmView.as_view(), name="hours_confirm"),
    path("hours/", volunteering.HoursSummaryView.as_view(), name="hours_summary"),
    path("pairings/", volunteering.CarePairingListView.as_view(), name="pairing_list"),
    path("pairings/new/", volunteering.CarePairingCreateView.as_view(), name="pairing_create"),
    path("councils/", councils.CouncilListView.as_view(), name="council_list"),
    path("councils/new/", councils.CouncilCreateView.as_view(), name="council_create"),
    path("councils/<int:pk>/", councils.CouncilDetailView.as_view(), name="council_detail"),
    path("councils/<int:pk>/members/", councils.MemberAddView.as_view(), name="member_add"),
    path(
        "councils/<int:pk>/meetings/new/",
        councils.MeetingCreateView.as_view(),
        name="meeting_create",
    ),
    path("meetings/<int:pk>/", councils.MeetingDetailView.as_view(), name="meeting_detail"),
    path(
        "meetings/<int:pk>/resolutions/",
        councils.ResolutionAddView.as_view(),
        name="resolution_add",
    ),
    path("meetings/<int:pk>/edit/", councils.MeetingUpdateView.as_view(), name="meeting_update"),
    path("resolutions/", councils.ResolutionListView.as_view(), name="resolution_list"),
    path(
        "resolutions/<int:pk>/edit/",
        councils.ResolutionUpdateView.as_view(),
        name="resolution_update",
    ),
    path(
        "resolutions/<int:pk>/reopen/",
        councils.ResolutionReopenView.as_view(),
        name="resolution_reopen",
    ),
    path("resolutions/<int:pk>/followup/", councils.FollowUpView.as_view(), name="followup_add"),
]
