"""Pages of the screening concern."""

urlpatterns = []
