"""Pages of the protection app; each concern keeps its patterns beside its views."""

from .views import config, followup, orders, risk, screening, shelter

app_name = "protection"

urlpatterns = [
    *risk.urlpatterns,
    *orders.urlpatterns,
    *shelter.urlpatterns,
    *followup.urlpatterns,
    *screening.urlpatterns,
    *config.urlpatterns,
]
