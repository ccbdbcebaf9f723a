"""/api/cadres/: the roster, elections, trainings and training records, who is due for
retraining, contact-point visits."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("positions", views.PositionViewSet, basename="cadres-position")
router.register("contact-visits", views.ContactVisitViewSet, basename="cadres-visit")
router.register("elections", views.ElectionViewSet, basename="cadres-election")
router.register("trainings", views.TrainingViewSet, basename="cadres-training")
router.register("training-records", views.TrainingRecordViewSet, basename="cadres-training-record")
router.register("retraining-due", views.RetrainingDueViewSet, basename="cadres-retraining-due")

urlpatterns = router.urls
