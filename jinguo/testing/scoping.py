"""The scoping contract every model with restrict() must honour, in the UI and the API.

Subclass ``ScopedModelContract`` in a test module (``class TestFooContract(...)``), name the
doors the model has and say how to make an object in a unit. The base then runs, for every
door that exists — list, detail, create, update, delete, export, the API and its detail
actions — three ways: without permission, with permission in scope, and with permission in
another branch (404, never in a list or an export); and, for a model with a sensitive flag,
a sensitive record for a user without ``core.view_sensitive``.

A list is checked on the view's own rows (the table in the context, not the HTML), on a
marker rendered in the row, in the Excel export and in the API ids. Each check is proven
able to fail: the user in scope must see the same object by the same marker.

Every subclass registers itself in ``CONTRACTS``; a meta-test fails for a model with
restrict() that has none.
"""

import pytest

from jinguo.core.scoping import VIEW_SENSITIVE

from .doors import CRUD, ContractDoors
from .factories import grant

__all__ = ["CONTRACTS", "CRUD", "ScopedModelContract"]

# model -> {"module.Class": contract class}, filled by __init_subclass__.
CONTRACTS: dict[type, dict[str, type]] = {}

UI_TESTS = (
    "test_without_permission_ui",
    "test_in_scope_ui_reads",
    "test_in_scope_ui_writes",
    "test_in_another_branch_ui_reads",
    "test_in_another_branch_ui_writes",
    "test_sensitive_record_ui",
)
API_TESTS = (
    "test_without_permission_api",
    "test_in_scope_api",
    "test_in_another_branch_api",
    "test_sensitive_record_api",
)


@pytest.mark.django_db
class ScopedModelContract(ContractDoors):
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is None:
            return
        CONTRACTS.setdefault(cls.model, {})[f"{cls.__module__}.{cls.__qualname__}"] = cls
        # A door the model does not have is no test at all (pytest collects no None), rather
        # than a test that passes having checked nothing.
        dropped = []
        ui = (cls.list_url, cls.detail_url, cls.create_url, cls.update_url, cls.delete_url)
        if not any(ui):
            dropped += UI_TESTS
        if not (cls.api_list_url or cls.api_detail_url):
            dropped += API_TESTS
        if getattr(cls.model, "scope_sensitive_field", None) is None:
            dropped += ["test_sensitive_record_ui", "test_sensitive_record_api"]
        if not cls.api_list_url or cls.api_create:
            dropped.append("test_api_list_takes_no_post_where_it_offers_no_create")
        for name in dropped:
            setattr(cls, name, None)

    # --- 1. without permission ----------------------------------------------------------
    def test_without_permission_ui(self, tree, client):
        obj = self.make(tree.community_a)
        c = self.ui(client, self.no_permission_user(tree, obj))
        if self.list_url:
            assert c.get(self.list_path()).status_code == 403
            assert c.get(self.list_path(export="xlsx")).status_code == 403
        if self.detail_url:
            assert c.get(self.detail_path(obj)).status_code == 404
        for path in self.object_paths(obj):
            assert c.get(path).status_code == 404, path
        self.assert_update_refused(c, obj)
        self.assert_delete_refused(c, obj)
        self.assert_create_refused(c, tree.community_a, (403, 404))

    def test_without_permission_api(self, tree):
        obj = self.make(tree.community_a)
        api = self.api(self.no_permission_user(tree, obj))
        if self.api_list_url:
            self.assert_api_list(api, obj, shown=False, forbidden_ok=True)
        if self.api_detail_url:
            assert api.get(self.api_detail_path(obj)).status_code == 404
        self.assert_api_writes_refused(api, obj, (403, 404))
        self.assert_api_create_refused(api, tree.community_a, (403, 404))

    # --- 2. with permission in scope ----------------------------------------------------
    def test_in_scope_ui_reads(self, tree, client):
        obj = self.make(tree.community_a)
        c = self.ui(client, self.in_scope_user(tree, obj))
        if self.list_url:
            self.assert_ui_list(c, obj, shown=True)
            self.assert_export(c, obj, shown=True)
        if self.detail_url:
            assert c.get(self.detail_path(obj)).status_code == 200
        for path in self.object_paths(obj):
            assert c.get(path).status_code == 200, path

    def test_in_scope_ui_writes(self, tree, client):
        obj = self.make(tree.community_a)
        c = self.ui(client, self.in_scope_user(tree, obj))
        if self.update_url:
            path, data = self.update_request(obj)
            if self.update_has_form:
                assert c.get(path).status_code == 200
            r = c.post(path, data)
            assert r.status_code == 302, getattr(r, "context", None) and r.context.get("form")
        if self.create_url:
            before = self.count()
            path, data = self.create_request(tree.community_a2)
            r = c.post(path, data)
            assert r.status_code == 302, getattr(r, "context", None) and r.context.get("form")
            assert self.count() == before + 1
        if self.delete_url:
            before = self.count()
            assert c.post(self.delete_path(obj)).status_code == 302
            assert self.count() == before - 1

    def test_in_scope_api(self, tree):
        obj = self.make(tree.community_a)
        api = self.api(self.in_scope_user(tree, obj))
        if self.api_list_url:
            self.assert_api_list(api, obj, shown=True)
        if self.api_detail_url:
            url = self.api_detail_path(obj)
            assert api.get(url).status_code == 200
            if self.api_update:
                r = api.patch(url, self.api_update_data(obj), format="json")
                assert r.status_code == 200, r.content[:300]
        if self.api_create:
            before = self.count()
            path, data = self.api_create_request(tree.community_a2)
            r = api.post(path, data, format="json")
            assert r.status_code in (201, 202), r.content[:300]
            assert self.count() == before + 1
        if self.api_delete:
            before = self.count()
            assert api.delete(self.api_detail_path(obj)).status_code == 204
            assert self.count() == before - 1

    # --- 3. with permission in another branch -------------------------------------------
    def test_in_another_branch_ui_reads(self, tree, client):
        obj = self.make(tree.community_a)
        c = self.ui(client, self.other_branch_user(tree, obj))
        if self.list_url:
            self.assert_ui_list(c, obj, shown=False)
            self.assert_export(c, obj, shown=False)
        if self.detail_url:
            assert c.get(self.detail_path(obj)).status_code == 404
        for path in self.object_paths(obj):
            assert c.get(path).status_code == 404, path

    def test_in_another_branch_ui_writes(self, tree, client):
        obj = self.make(tree.community_a)
        c = self.ui(client, self.other_branch_user(tree, obj))
        self.assert_update_refused(c, obj)
        self.assert_delete_refused(c, obj)
        if self.scoped_create:
            # Placing a record in someone else's branch: the form says no, or the parent
            # record the form hangs off is not found.
            self.assert_create_refused(c, tree.community_a2, (200, 404))

    def test_in_another_branch_api(self, tree):
        obj = self.make(tree.community_a)
        api = self.api(self.other_branch_user(tree, obj))
        if self.api_list_url:
            self.assert_api_list(api, obj, shown=False)
        if self.api_detail_url:
            assert api.get(self.api_detail_path(obj)).status_code == 404
        self.assert_api_writes_refused(api, obj, (404,))
        if self.scoped_create:
            self.assert_api_create_refused(api, tree.community_a2, (400, 404))

    def test_api_list_takes_no_post_where_it_offers_no_create(self, tree):
        """A POST to the list must never write where the API has no create (405)."""
        obj = self.make(tree.community_a)
        before = self.count()
        r = self.api(self.in_scope_user(tree, obj)).post(self.api_list_path(), {}, format="json")
        assert r.status_code in (403, 405), r.content[:300]
        assert self.count() == before

    # --- 4. a sensitive record without core.view_sensitive ------------------------------
    def sensitive_pair(self, tree):
        """A sensitive object in scope, a user without view_sensitive and one with it."""
        obj = self.make_sensitive(tree.community_a)
        assert getattr(obj, self.sensitive_field) is True
        plain = self.user(tree.district_a, *self.actions)
        cleared = self.user(tree.district_a, *self.actions)
        grant(cleared, VIEW_SENSITIVE)
        return obj, plain, cleared

    def test_sensitive_record_ui(self, tree, client):
        obj, plain, cleared = self.sensitive_pair(tree)
        c = self.ui(client, plain)
        if self.list_url:
            self.assert_ui_list(c, obj, shown=False)
            self.assert_export(c, obj, shown=False)
        if self.detail_url:
            assert c.get(self.detail_path(obj)).status_code == 404
        for path in self.object_paths(obj):
            assert c.get(path).status_code == 404, path
        self.assert_update_refused(c, obj)
        # The same record, the same doors: there for a colleague cleared for it.
        c = self.ui(client, cleared)
        if self.list_url:
            self.assert_ui_list(c, obj, shown=True)
            self.assert_export(c, obj, shown=True)
        if self.detail_url:
            assert c.get(self.detail_path(obj)).status_code == 200

    def test_sensitive_record_api(self, tree):
        obj, plain, cleared = self.sensitive_pair(tree)
        api = self.api(plain)
        if self.api_list_url:
            self.assert_api_list(api, obj, shown=False)
        if self.api_detail_url:
            assert api.get(self.api_detail_path(obj)).status_code == 404
        self.assert_api_writes_refused(api, obj, (404,))
        api = self.api(cleared)
        if self.api_list_url:
            self.assert_api_list(api, obj, shown=True)
        if self.api_detail_url:
            assert api.get(self.api_detail_path(obj)).status_code == 200
