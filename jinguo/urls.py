from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from jinguo.core.views import home as core_views

api_patterns = [
    path("orgs/", include("jinguo.orgs.api.urls")),
    path("accounts/", include("jinguo.accounts.api.urls")),
    path("people/", include("jinguo.people.api.urls")),
    path("cases/", include("jinguo.cases.api.urls")),
    path("protection/", include("jinguo.protection.api.urls")),
    path("places/", include("jinguo.places.api.urls")),
    path("stats/", include("jinguo.stats.api.urls")),
    path("notices/", include("jinguo.notices.api.urls")),
    path("cadres/", include("jinguo.cadres.api.urls")),
    path("volunteers/", include("jinguo.volunteers.api.urls")),
]

urlpatterns = [
    path("", include("jinguo.core.urls")),
    path("orgs/", include("jinguo.orgs.urls")),
    path("accounts/", include("jinguo.accounts.urls")),
    path("people/", include("jinguo.people.urls")),
    path("cases/", include("jinguo.cases.urls")),
    path("protection/", include("jinguo.protection.urls")),
    path("places/", include("jinguo.places.urls")),
    path("stats/", include("jinguo.stats.urls")),
    path("notices/", include("jinguo.notices.urls")),
    path("cadres/", include("jinguo.cadres.urls")),
    path("volunteers/", include("jinguo.volunteers.urls")),
    path("", include("jinguo.portal.urls")),
    path("api/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler403 = core_views.error_403
handler404 = core_views.error_404
handler500 = core_views.error_500
