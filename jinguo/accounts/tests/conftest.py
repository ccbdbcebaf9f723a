import pytest
from rest_framework.test import APIClient

from jinguo.core.models import AuditEvent, AuditKind


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def security_events():
    """The security events with this action, oldest first."""

    def events(action: str):
        return list(
            AuditEvent.objects.filter(kind=AuditKind.SECURITY, action=action).order_by("id")
        )

    return events
