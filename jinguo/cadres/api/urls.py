"""/api/cadres/: the roster and contact-point visits."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("positions", views.PositionViewSet, basename="cadres-position")
router.register("contact-visits", views.ContactVisitViewSet, basename="cadres-visit")

urlpatterns = router.urls
