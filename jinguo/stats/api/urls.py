from django.urls import path

from . import views

urlpatterns = [
    path("", views.StatsIndexView.as_view(), name="stats-api-index"),
    path("sources/<str:key>/", views.StatsSourceView.as_view(), name="stats-api-source"),
]
