from rest_framework.routers import DefaultRouter

from .cases import register as register_cases
from .referrals import register as register_referrals

router = DefaultRouter()
register_cases(router)
register_referrals(router)
urlpatterns = router.urls
