import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _portal_settings(settings):
    """No minimum fill time unless a test asks for it, and fresh rate-limit counters."""
    settings.JINGUO_PORTAL_MIN_FILL_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def submit(client):
    """POST the appeal form as a woman would; returns the response."""
    from jinguo.portal.forms import started_token

    def do(unit, meta=None, **extra):
        data = {
            "unit": unit.pk,
            "started": started_token(),
            "topic": "violence",
            "story": "他昨晚又动手了，我很害怕。",
            "contact_way": "none",
            "anonymous": "on",
            "pin": "2580",
            **extra,
        }
        return client.post("/portal/help/form/", data, **(meta or {}))

    return do
