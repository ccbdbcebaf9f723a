"""The REST API's exception handler, exception by exception."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jinguo.core.api_errors import exception_handler
from jinguo.core.concurrency import StaleVersion
from jinguo.core.errors import OutOfScope

NOT_FOUND = {"detail": "找不到该记录。"}


def answer(exc, view=None):
    response = exception_handler(exc, {"view": view or SimpleNamespace()})
    return response.status_code, response.data


def test_field_errors_are_a_400_in_drfs_shape():
    status, body = answer(
        ValidationError({"phone": "电话号码格式不正确。", "name": ["请填写姓名。", "太长。"]})
    )
    assert status == 400
    assert body == {"phone": ["电话号码格式不正确。"], "name": ["请填写姓名。", "太长。"]}


def test_messages_about_no_field_are_non_field_errors():
    assert answer(ValidationError("个案当前状态不能受理。")) == (
        400,
        {"non_field_errors": ["个案当前状态不能受理。"]},
    )
    status, body = answer(ValidationError({"__all__": "提交内容过大。", "unit": "请选择单位。"}))
    assert status == 400
    assert body == {"non_field_errors": ["提交内容过大。"], "unit": ["请选择单位。"]}


def test_a_view_renames_the_services_fields_to_its_own():
    view = SimpleNamespace(service_error_fields={"new_parent": "parent"})
    assert answer(ValidationError({"new_parent": "不能移到下级之下。"}), view) == (
        400,
        {"parent": ["不能移到下级之下。"]},
    )


def test_a_stale_version_is_a_409_with_the_current_version():
    status, body = answer(StaleVersion("已被其他人修改。", current_version=7))
    assert status == 409
    assert body == {"detail": "已被其他人修改。", "version": 7}
    assert isinstance(body["version"], int)
    assert answer(StaleVersion())[0] == 409


@pytest.mark.parametrize(
    "exc",
    [
        Http404(),
        Http404("No Case matches the given query."),
        Group.DoesNotExist(),
        OutOfScope("档案不存在或不在您的管辖范围内。"),
        ValidationError("该个案不存在，或您无权进行此项操作。", code="not_found"),
    ],
    ids=["http404", "http404-message", "does-not-exist", "out-of-scope", "coded-not-found"],
)
def test_not_found_and_out_of_scope_answer_one_404(exc):
    assert answer(exc) == (404, NOT_FOUND)


def test_permission_denied_is_a_403_with_the_services_reason():
    assert answer(PermissionDenied("请先登录网页修改初始密码。")) == (
        403,
        {"detail": "请先登录网页修改初始密码。"},
    )
    status, body = answer(PermissionDenied())
    assert status == 403 and body["detail"]  # DRF's own wording


def test_anything_else_is_left_to_drf():
    assert exception_handler(ValueError("bug"), {"view": None}) is None  # a 500, as ever
