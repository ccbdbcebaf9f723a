"""The user administrator opens on the accounts that need her: locked, never enrolled in the
second factor, dormant, still on a temporary password, or without any role."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.models import LoginFailure
from jinguo.accounts.selectors.review import review_counts
from jinguo.testing.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_each_review_counts_accounts_in_her_scope_and_links_to_them(client, tree, settings):
    settings.JINGUO_TWO_FACTOR_ENFORCED = True
    admin = user_with_role(tree.district_a, "sysadmin", username="admin_a")
    locked = UserFactory(home_unit=tree.community_a, username="locked_one")
    for _ in range(settings.JINGUO_LOCKOUT_FAILURES):
        LoginFailure.objects.create(username="locked_one", ip="10.1.1.1")
    old = timezone.now() - timedelta(days=200)
    dormant = UserFactory(home_unit=tree.street_a, username="dormant", last_login=old)
    UserFactory(
        home_unit=tree.street_a, username="temp", must_change_password=True, date_joined=old
    )
    user_with_role(tree.street_a, "leader", username="leader_no_2fa")
    # Another branch's accounts are never counted.
    UserFactory(home_unit=tree.community_b, username="elsewhere", last_login=old)
    for _ in range(settings.JINGUO_LOCKOUT_FAILURES):
        LoginFailure.objects.create(username="elsewhere", ip="10.1.1.1")

    counts = review_counts(admin)
    assert counts["locked"] == 1
    assert counts["dormant"] >= 1
    assert counts["pending_password"] == 1
    assert counts["no_second_factor"] == 2  # the new leader, and the administrator herself
    client.force_login(admin)
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="panel-accounts-review"' in page and "被锁定的账号" in page
    listing = client.get(reverse("accounts:user_list"), {"review": "locked"})
    assert listing.status_code == 200
    names = [u.username for u in listing.context["table"].data]
    assert names == [locked.username]
    names = [
        u.username
        for u in client.get(reverse("accounts:user_list"), {"review": "dormant"})
        .context["table"]
        .data
    ]
    assert dormant.username in names and "elsewhere" not in names


def test_nothing_to_review_says_so(client, tree, settings):
    settings.JINGUO_TWO_FACTOR_ENFORCED = False
    admin = user_with_role(tree.district_b, "sysadmin", username="admin_b")
    client.force_login(admin)
    assert "没有被锁定或需要复查的账号" in client.get(reverse("core:home")).content.decode()
