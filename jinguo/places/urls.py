from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("", views.PlaceListView.as_view(), name="place_list"),
    path("new/", views.PlaceCreateView.as_view(), name="place_create"),
    path("import/", views.PlaceImportView.as_view(), name="place_import"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("coverage/gaps/", views.CoverageGapsView.as_view(), name="coverage_gaps"),
    path("kinds/", views.KindListView.as_view(), name="kind_list"),
    path("kinds/<int:pk>/edit/", views.KindUpdateView.as_view(), name="kind_update"),
    path("<int:pk>/", views.PlaceDetailView.as_view(), name="place_detail"),
    path("<int:pk>/edit/", views.PlaceUpdateView.as_view(), name="place_update"),
    path("<int:pk>/check/", views.PlaceCheckView.as_view(), name="place_check"),
    path("<int:pk>/activities/new/", views.ActivityAddView.as_view(), name="activity_add"),
    path("<int:pk>/photos/new/", views.PhotoAddView.as_view(), name="photo_add"),
    path("photos/<int:pk>/", views.PhotoView.as_view(), name="photo"),
]
