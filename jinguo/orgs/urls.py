from django.http import Http404
from django.urls import path

app_name = "orgs"


def placeholder(request, pk=None):
    raise Http404


urlpatterns = [
    path("", placeholder, name="orgunit_tree"),
    path("units/", placeholder, name="orgunit_list"),
    path("units/<int:pk>/", placeholder, name="orgunit_detail"),
    path("import/", placeholder, name="orgunit_import"),
]
