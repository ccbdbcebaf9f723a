from django.urls import include, path

app_name = "cases"

urlpatterns = [
    path("", include("jinguo.cases.urls_cases")),
    path("", include("jinguo.cases.urls_partners")),
]
