"""/api/protection/: the same records, scoping and masking as the pages."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
