from rest_framework.routers import DefaultRouter

from .views import OrgUnitViewSet

router = DefaultRouter()
router.register("units", OrgUnitViewSet, basename="orgunit")
urlpatterns = router.urls
