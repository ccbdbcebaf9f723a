"""API tokens: looked up once per request (middleware and DRF share the look-up), with the
same answers as DRF's own check for unknown, malformed and deactivated tokens."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from jinguo.accounts.middleware import token_with_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(community_chair):
    return Token.objects.create(user=community_chair)


def test_a_valid_token_authenticates_with_one_look_up(api_client, token, community_chair):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(reverse("accounts-me"))
    assert response.status_code == 200
    assert response.json()["username"] == community_chair.username
    token_queries = [q for q in queries.captured_queries if "authtoken_token" in q["sql"]]
    assert len(token_queries) == 1


@pytest.mark.parametrize(
    "header",
    ["Token not-a-token", "Token ", "Token two words", "Bearer abc"],
)
def test_bad_tokens_are_refused(api_client, token, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    assert api_client.get(reverse("accounts-me")).status_code == 401


def test_a_deactivated_account_s_token_is_refused(api_client, token, community_chair):
    community_chair.is_active = False
    community_chair.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get(reverse("accounts-me")).status_code == 401


def test_token_with_user_loads_the_account(token, community_chair):
    found = token_with_user(token.key)
    assert found.user.pk == community_chair.pk and found.user.home_unit_id
    assert found.key == token.key
    assert token_with_user("missing") is None
