from django.urls import path
from rest_framework.routers import DefaultRouter

from .cases import register as register_cases
from .intake import IntakeQueueView, IntakeStatusView
from .referrals import register as register_referrals

router = DefaultRouter()
register_cases(router)
register_referrals(router)
urlpatterns = [
    path("intake/", IntakeQueueView.as_view(), name="cases-api-intake"),
    path("intake/<str:reference>/", IntakeStatusView.as_view(), name="cases-api-intake-status"),
    *router.urls,
]
