from rest_framework.routers import DefaultRouter

from .persons import register as register_persons
from .related import register as register_related

router = DefaultRouter()
register_persons(router)
register_related(router)
urlpatterns = router.urls
