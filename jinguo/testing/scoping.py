"""The scoping contract every scoped model's views and API must honour.

Subclass ``ScopedModelContract`` in a test module, name the URLs and say how to make an object
in a given unit; the base runs list/detail/create/update/delete in the UI and the API three
ways: without permission, with permission in scope, with permission in another branch (404).
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jinguo.core.scoping import permission_name

from .factories import UserFactory, grant


@pytest.mark.django_db
class ScopedModelContract:
    model = None
    list_url: str | None = None
    detail_url: str | None = None
    create_url: str | None = None
    update_url: str | None = None
    delete_url: str | None = None
    api_list_url: str | None = None
    api_detail_url: str | None = None
    api_create = True
    api_update = True
    api_delete = False
    extra_permissions: tuple[str, ...] = ()

    # --- to be provided by the subclass -------------------------------------------------
    def make(self, unit):
        """Create an object that belongs to ``unit``."""
        raise NotImplementedError

    def form_data(self, unit) -> dict:
        """POST data for the create form, placing the new object in ``unit``."""
        raise NotImplementedError

    def update_data(self, obj) -> dict:
        return self.form_data(self.unit_of(obj))

    def api_data(self, unit) -> dict:
        return self.form_data(unit)

    def unit_of(self, obj):
        return obj.org

    def count(self) -> int:
        return self.model._default_manager.count()

    # --- helpers --------------------------------------------------------------------------
    def perms(self, *actions):
        return [permission_name(self.model, a) for a in actions] + list(self.extra_permissions)

    def user(self, unit, *actions):
        user = UserFactory(home_unit=unit)
        if actions:
            grant(user, *self.perms(*actions))
        return user

    def ui(self, client, user):
        client.force_login(user)
        return client

    def api(self, user):
        api = APIClient()
        api.force_authenticate(user)
        return api

    def api_ids(self, response) -> set:
        data = response.json()
        rows = data["results"] if isinstance(data, dict) and "results" in data else data
        return {row["id"] for row in rows}

    ALL = ("view", "add", "change", "delete")

    # --- the contract --------------------------------------------------------------------
    def test_without_permission(self, tree, client):
        obj = self.make(tree.community_a)
        user = self.user(tree.community_a)
        c = self.ui(client, user)
        if self.list_url:
            assert c.get(reverse(self.list_url)).status_code == 403
        if self.detail_url:
            assert c.get(reverse(self.detail_url, args=[obj.pk])).status_code == 404
        if self.update_url:
            assert c.get(reverse(self.update_url, args=[obj.pk])).status_code == 404
            assert (
                c.post(reverse(self.update_url, args=[obj.pk]), self.update_data(obj)).status_code
                == 404
            )
        if self.delete_url:
            assert c.post(reverse(self.delete_url, args=[obj.pk])).status_code == 404
        if self.create_url:
            before = self.count()
            assert c.post(
                reverse(self.create_url), self.form_data(tree.community_a)
            ).status_code in (403, 404)
            assert self.count() == before
        api = self.api(user)
        if self.api_list_url:
            r = api.get(reverse(self.api_list_url))
            assert r.status_code == 403 or obj.pk not in self.api_ids(r)
        if self.api_detail_url:
            assert api.get(reverse(self.api_detail_url, args=[obj.pk])).status_code == 404

    def test_with_permission_in_scope(self, tree, client):
        obj = self.make(tree.community_a)
        user = self.user(tree.district_a, *self.ALL)
        c = self.ui(client, user)
        detail = reverse(self.detail_url, args=[obj.pk]) if self.detail_url else None
        if self.list_url:
            r = c.get(reverse(self.list_url))
            assert r.status_code == 200
            if detail:
                assert detail in r.content.decode()
        if detail:
            assert c.get(detail).status_code == 200
        if self.update_url:
            r = c.post(reverse(self.update_url, args=[obj.pk]), self.update_data(obj))
            assert r.status_code == 302, (
                getattr(r, "context", None) and r.context.get("form").errors
            )
        if self.create_url:
            before = self.count()
            r = c.post(reverse(self.create_url), self.form_data(tree.community_a2))
            assert r.status_code == 302, r.context and r.context.get("form").errors
            assert self.count() == before + 1
        api = self.api(user)
        if self.api_list_url:
            r = api.get(reverse(self.api_list_url))
            assert r.status_code == 200
            assert obj.pk in self.api_ids(r)
        if self.api_detail_url:
            assert api.get(reverse(self.api_detail_url, args=[obj.pk])).status_code == 200
        if self.delete_url:
            before = self.count()
            r = c.post(reverse(self.delete_url, args=[obj.pk]))
            assert r.status_code == 302
            assert self.count() == before - 1

    def test_with_permission_in_another_branch(self, tree, client):
        obj = self.make(tree.community_a)
        user = self.user(tree.district_b, *self.ALL)
        c = self.ui(client, user)
        if self.list_url:
            r = c.get(reverse(self.list_url))
            assert r.status_code == 200
            if self.detail_url:
                assert reverse(self.detail_url, args=[obj.pk]) not in r.content.decode()
        if self.detail_url:
            assert c.get(reverse(self.detail_url, args=[obj.pk])).status_code == 404
        if self.update_url:
            assert c.get(reverse(self.update_url, args=[obj.pk])).status_code == 404
            assert (
                c.post(reverse(self.update_url, args=[obj.pk]), self.update_data(obj)).status_code
                == 404
            )
        if self.delete_url:
            assert c.post(reverse(self.delete_url, args=[obj.pk])).status_code == 404
        if self.create_url:
            before = self.count()
            r = c.post(reverse(self.create_url), self.form_data(tree.community_a2))
            assert r.status_code == 200, "placing a record in another branch must be refused"
            assert self.count() == before
        api = self.api(user)
        if self.api_list_url:
            r = api.get(reverse(self.api_list_url))
            assert r.status_code == 200
            assert obj.pk not in self.api_ids(r)
        if self.api_detail_url:
            url = reverse(self.api_detail_url, args=[obj.pk])
            assert api.get(url).status_code == 404
            if self.api_update:
                assert api.patch(url, {}, format="json").status_code == 404
            if self.api_delete:
                assert api.delete(url).status_code == 404
