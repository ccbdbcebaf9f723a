"""Pages of the protection app; each concern adds its patterns from its own views module."""

app_name = "protection"

urlpatterns = []
