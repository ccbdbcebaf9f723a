"""Pages of the risk concern."""

urlpatterns = []
