"""Pages of the shelter concern."""

urlpatterns = []
