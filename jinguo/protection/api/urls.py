"""/api/protection/: the same records, scoping and masking as the pages."""

from rest_framework.routers import SimpleRouter

from . import followup, orders, risk, screening, shelter

router = SimpleRouter()
for part in (risk, orders, shelter, followup, screening):
    part.register(router)

urlpatterns = router.urls
