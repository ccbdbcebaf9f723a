"""Pages of the notices app; each concern keeps its patterns beside its views."""

from .views import assessment, notices

app_name = "notices"

urlpatterns = [*notices.urlpatterns, *assessment.urlpatterns]
