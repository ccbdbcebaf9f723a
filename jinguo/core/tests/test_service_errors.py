"""ServiceErrorsMixin: a service's ValidationError on the form that was submitted."""

from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from jinguo.core.concurrency import StaleVersion
from jinguo.core.forms import ScopedForm
from jinguo.core.generic import ServiceFormView


class VisitForm(ScopedForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="姓名")
    category_node = forms.CharField(label="类别", required=False)
    note = forms.CharField(label="情况", required=False, widget=forms.Textarea)
    service_error_fields = {"category": "category_node", "subcategory": "category_node"}


TYPED = {"version": "3", "person": "7", "name": "王芳", "category_node": "12", "note": "她说的原话"}


def submitted(data=None) -> VisitForm:
    form = VisitForm(data or TYPED)
    assert form.is_valid(), form.errors
    return form


def test_a_message_about_a_field_goes_by_that_field():
    form = submitted()
    form.add_service_error(ValidationError({"name": "请填写真实姓名。"}))
    assert form.errors["name"] == ["请填写真实姓名。"]
    assert not form.non_field_errors()
    assert "is-invalid" in form.fields["name"].widget.attrs["class"]


def test_what_was_typed_stays():
    form = submitted()
    form.add_service_error(ValidationError({"name": "请填写真实姓名。"}))
    assert form["note"].value() == "她说的原话"
    assert "她说的原话" in str(form["note"])
    assert 'value="王芳"' in str(form["name"])


def test_a_form_may_name_the_services_field_its_own_way():
    form = submitted()
    form.add_service_error(ValidationError({"subcategory": "子类别不属于该类别。"}))
    assert form.errors["category_node"] == ["子类别不属于该类别。"]


def test_messages_about_no_field_or_one_not_shown_go_on_top():
    form = submitted()
    form.add_service_error(
        ValidationError(
            {
                "__all__": "个案已结案，不能再修改。",
                "parties": "第 1 位当事人：请选择身份。",  # not on this form
                "person": "该人员不在您的管辖范围内。",  # hidden: nobody would see it there
            }
        )
    )
    assert form.non_field_errors() == [
        "个案已结案，不能再修改。",
        "第 1 位当事人：请选择身份。",
        "该人员不在您的管辖范围内。",
    ]
    assert set(form.errors) == {"__all__"}


def test_a_list_of_messages_goes_on_top_unless_the_form_says_where():
    form = submitted()
    form.add_service_error(ValidationError(["不能分派给自己。", "请先受理。"]))
    assert form.non_field_errors() == ["不能分派给自己。", "请先受理。"]

    class OneBoxForm(VisitForm):
        service_error_default = "note"

    form = OneBoxForm(TYPED)
    assert form.is_valid()
    form.add_service_error(ValidationError("理由太短。"))
    assert form.errors["note"] == ["理由太短。"]


def test_a_stale_version_shows_the_conflict_and_keeps_the_typing():
    form = submitted()
    form.add_service_error(StaleVersion("已被其他人修改。", current_version=5))
    assert form.non_field_errors() == ["已被其他人修改。"]
    assert form["note"].value() == "她说的原话" and form["name"].value() == "王芳"
    assert form["version"].value() == "3"  # she reloads to see what changed


def test_a_form_beside_the_current_record_may_take_its_version():
    class CheckedForm(VisitForm):
        resubmit_after_conflict = True

    form = CheckedForm(TYPED)
    assert form.is_valid()
    form.add_service_error(StaleVersion("已被其他人修改。", current_version=5))
    assert form.non_field_errors() == ["已被其他人修改。"]
    assert form["version"].value() == 5  # her next submit goes through
    assert form["note"].value() == "她说的原话"


class VisitFormView(ServiceFormView):
    form_class = VisitForm
    error: ValidationError | None = None

    def perform(self, form):
        raise self.error


def post_to_view(error: ValidationError):
    request = RequestFactory().post("/visit/", TYPED)
    request.user = SimpleNamespace(is_authenticated=True, has_perm=lambda perm: True)
    return VisitFormView.as_view(error=error)(request)


def test_a_service_form_view_renders_the_form_again_with_the_errors():
    response = post_to_view(ValidationError({"name": "请填写真实姓名。", "x": "别的问题。"}))
    assert response.status_code == 200  # not saved: the same page again
    form = response.context_data["form"]
    assert form.errors["name"] == ["请填写真实姓名。"]
    assert form.non_field_errors() == ["别的问题。"]
    assert form["note"].value() == "她说的原话"


def test_a_service_form_view_shows_a_conflict_and_keeps_the_typing():
    response = post_to_view(StaleVersion("已被其他人修改。", current_version=4))
    form = response.context_data["form"]
    assert form.non_field_errors() == ["已被其他人修改。"]
    assert form["version"].value() == "3" and form["note"].value() == "她说的原话"
