"""Pages of the orders concern."""

urlpatterns = []
