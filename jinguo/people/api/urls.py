from rest_framework.routers import DefaultRouter

from . import consents, contacts, households, persons, tags, visits

router = DefaultRouter()
persons.register(router)
households.register(router)
tags.register(router)
visits.register(router)
consents.register(router)
contacts.register(router)
urlpatterns = router.urls
