"""Pages of the followup concern."""

urlpatterns = []
