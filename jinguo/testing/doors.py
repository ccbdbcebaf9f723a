"""The doors of a scoped model, as the scoping contract knocks on them.

``ContractDoors`` names a model's pages and API endpoints, says how to make an object, how to
ask for each door, and how to tell whether a response shows the object; the contract
(``jinguo.testing.scoping``) runs the checks over it. Subclasses override what differs.
"""

from urllib.parse import urlencode

from django.urls import resolve, reverse
from rest_framework.test import APIClient

from jinguo.core.scoping import permission_name

from .factories import UserFactory, grant
from .responses import XLSX_MIME, api_rows, xlsx_rows

CRUD = ("view", "add", "change", "delete")


class ContractDoors:
    model = None
    # Role permissions the users with permission get (``<app>.<action>_<model>``).
    actions: tuple[str, ...] = CRUD
    extra_permissions: tuple[str, ...] = ()

    # --- the doors: None or False where the model has no such door -----------------------
    list_url: str | None = None
    list_query: dict = {}
    detail_url: str | None = None
    create_url: str | None = None
    update_url: str | None = None
    update_has_form = True  # GET of the update URL shows the form (POST-only otherwise)
    delete_url: str | None = None
    export = False  # the list has ``?export=xlsx``; then export_marker() is required
    api_list_url: str | None = None
    api_detail_url: str | None = None
    api_create = False
    api_update = False  # PATCH on the detail URL
    api_delete = False
    # The new record is placed in a unit the user names, so naming one outside her branch
    # must be refused. False where the record is always the user's own (a submission).
    scoped_create = True

    # --- to be provided by the subclass -------------------------------------------------
    def make(self, unit):
        """Create an object that belongs to ``unit``."""
        raise NotImplementedError

    def make_sensitive(self, unit):
        """A sensitive object in ``unit``; by default ``make`` with the flag raised."""
        obj = self.make(unit)
        self.model._default_manager.filter(pk=obj.pk).update(**{self.sensitive_field: True})
        obj.refresh_from_db()
        return obj

    def form_data(self, unit) -> dict:
        """POST data for the create form, placing the new object in ``unit``."""
        raise NotImplementedError

    def update_data(self, obj) -> dict:
        return self.form_data(self.unit_of(obj))

    def api_data(self, unit) -> dict:
        return self.form_data(unit)

    def api_update_data(self, obj) -> dict:
        return {}

    def export_marker(self, obj) -> tuple[str, object]:
        """(column header, value) identifying ``obj``'s row in the Excel export."""
        raise NotImplementedError

    def list_marker(self, obj) -> str | None:
        """A string rendered in ``obj``'s list row and nowhere else on the page."""
        return self.detail_path(obj) if self.detail_url else None

    def row_pk(self, row):
        """The object id of one row of the list's table."""
        return row.pk

    def unit_of(self, obj):
        return obj.org

    def count(self) -> int:
        return self.model._default_manager.count()

    def object_paths(self, obj) -> list[str]:
        """More pages of one object (print, sub-forms) that must be 404 out of scope."""
        return []

    # --- the requests -------------------------------------------------------------------
    def list_path(self, **extra) -> str:
        query = {**self.list_query, **extra}
        return reverse(self.list_url) + (f"?{urlencode(query)}" if query else "")

    def detail_path(self, obj) -> str:
        return reverse(self.detail_url, args=[obj.pk])

    def create_request(self, unit) -> tuple[str, dict]:
        return reverse(self.create_url), self.form_data(unit)

    def update_request(self, obj) -> tuple[str, dict]:
        return reverse(self.update_url, args=[obj.pk]), self.update_data(obj)

    def delete_path(self, obj) -> str:
        return reverse(self.delete_url, args=[obj.pk])

    def api_list_path(self) -> str:
        return reverse(self.api_list_url)

    def api_detail_path(self, obj) -> str:
        return reverse(self.api_detail_url, args=[obj.pk])

    def api_create_request(self, unit) -> tuple[str, dict]:
        return self.api_list_path(), self.api_data(unit)

    def api_key(self, row):
        return row["id"]

    def api_value(self, obj):
        return obj.pk

    # --- the users ----------------------------------------------------------------------
    @property
    def sensitive_field(self) -> str | None:
        return getattr(self.model, "scope_sensitive_field", None)

    def perms(self, *actions):
        return [permission_name(self.model, a) for a in actions] + list(self.extra_permissions)

    def user(self, unit, *actions):
        user = UserFactory(home_unit=unit)
        if actions:
            grant(user, *self.perms(*actions), "core.export")
        return user

    def no_permission_user(self, tree, obj):
        return self.user(tree.community_a)

    def in_scope_user(self, tree, obj):
        return self.user(tree.district_a, *self.actions)

    def other_branch_user(self, tree, obj):
        return self.user(tree.district_b, *self.actions)

    def ui(self, client, user):
        client.force_login(user)
        return client

    def api(self, user):
        api = APIClient()
        api.force_authenticate(user)
        return api

    # --- what a user sees ---------------------------------------------------------------
    def listed_pks(self, response) -> set:
        """The ids of every row the list view put in its table (all pages)."""
        return {self.row_pk(row) for row in response.context["table"].data}

    def api_keys(self, response) -> set:
        return {self.api_key(row) for row in api_rows(response)}

    def assert_ui_list(self, c, obj, *, shown: bool):
        r = c.get(self.list_path())
        assert r.status_code == 200
        verb = "must" if shown else "must not"
        assert (obj.pk in self.listed_pks(r)) is shown, f"the list's rows {verb} hold it"
        marker = self.list_marker(obj)
        if marker is not None:
            assert (marker in r.content.decode()) is shown, f"the page {verb} show {marker}"

    def assert_export(self, c, obj, *, shown: bool):
        r = c.get(self.list_path(export="xlsx"))
        if not self.export:
            assert r.get("Content-Type") != XLSX_MIME, "the list exports: set export = True"
            return
        assert r.status_code == 200 and r["Content-Type"] == XLSX_MIME
        header, value = self.export_marker(obj)
        rows = xlsx_rows(r.content)
        assert not rows or header in rows[0], f"no column {header!r} in {list(rows[0])}"
        found = any(str(row.get(header)) == str(value) for row in rows)
        assert found is shown, f"the export {'must' if shown else 'must not'} hold {value}"

    def assert_api_list(self, api, obj, *, shown: bool, forbidden_ok: bool = False):
        r = api.get(self.api_list_path())
        if forbidden_ok and r.status_code == 403:
            return
        assert r.status_code == 200
        assert (self.api_value(obj) in self.api_keys(r)) is shown

    def api_detail_actions(self, obj) -> list[tuple[str, str, str]]:
        """(method, path, path for a record that does not exist) of every detail action the
        viewset routes (accept, end, move…)."""
        view = resolve(self.api_detail_path(obj)).func
        viewset = getattr(view, "cls", None)
        if viewset is None or not hasattr(viewset, "get_extra_actions"):
            return []
        basename = self.api_detail_url.removesuffix("-detail")
        missing = self.model._default_manager.order_by("-pk").values_list("pk", flat=True)[0] + 1
        found = []
        for action in viewset.get_extra_actions():
            if action.detail:
                name = f"{basename}-{action.url_name}"
                path, nowhere = reverse(name, args=[obj.pk]), reverse(name, args=[missing])
                found += [(method, path, nowhere) for method in action.mapping]
        return found

    # --- refusals -----------------------------------------------------------------------
    def assert_update_refused(self, c, obj, statuses=(404,)):
        if not self.update_url:
            return
        path, data = self.update_request(obj)
        if self.update_has_form:
            assert c.get(path).status_code in statuses
        assert c.post(path, data).status_code in statuses

    def assert_delete_refused(self, c, obj, statuses=(404,)):
        if self.delete_url:
            before = self.count()
            assert c.post(self.delete_path(obj)).status_code in statuses
            assert self.count() == before

    def assert_create_refused(self, c, unit, statuses):
        if self.create_url:
            before = self.count()
            path, data = self.create_request(unit)
            assert c.post(path, data).status_code in statuses
            assert self.count() == before, "the record must not be created"

    def assert_api_create_refused(self, api, unit, statuses):
        if self.api_create:
            before = self.count()
            path, data = self.api_create_request(unit)
            assert api.post(path, data, format="json").status_code in statuses
            assert self.count() == before, "the record must not be created"

    def assert_api_writes_refused(self, api, obj, statuses):
        if not self.api_detail_url:
            return
        url = self.api_detail_path(obj)
        offered = (*statuses,) if self.api_update else (*statuses, 405)
        assert api.patch(url, self.api_update_data(obj), format="json").status_code in offered
        before = self.count()
        offered = (*statuses,) if self.api_delete else (*statuses, 405)
        assert api.delete(url).status_code in offered
        assert self.count() == before
        # An action out of reach answers exactly as on a record that does not exist (an
        # action that checks its input first may say 400 to both: that tells nothing).
        for method, path, nowhere in self.api_detail_actions(obj):
            r = getattr(api, method)(path, {}, format="json")
            expected = getattr(api, method)(nowhere, {}, format="json")
            assert r.status_code >= 400, f"{method.upper()} {path}: {r.status_code}"
            assert (r.status_code, r.content) == (expected.status_code, expected.content), path
