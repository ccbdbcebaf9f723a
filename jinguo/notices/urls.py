from .views import urlpatterns

app_name = "notices"

__all__ = ["app_name", "urlpatterns"]
