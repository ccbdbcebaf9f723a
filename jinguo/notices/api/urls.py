"""/api/notices/."""

from rest_framework.routers import SimpleRouter

from .views import NoticeViewSet, ReceiptViewSet

router = SimpleRouter()
router.register("inbox", ReceiptViewSet, basename="receipt")
router.register("sent", NoticeViewSet, basename="notice")

urlpatterns = router.urls
