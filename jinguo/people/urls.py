"""People URLs, split by area so that each module owns its routes."""

from .urls_import import urlpatterns as import_urls
from .urls_persons import urlpatterns as person_urls
from .urls_related import urlpatterns as related_urls

app_name = "people"

urlpatterns = [*person_urls, *related_urls, *import_urls]
