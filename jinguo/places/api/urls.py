from rest_framework.routers import SimpleRouter

from .views import PlaceKindViewSet, PlaceViewSet

router = SimpleRouter()
router.register("places", PlaceViewSet, basename="place")
router.register("kinds", PlaceKindViewSet, basename="placekind")

urlpatterns = router.urls
