"""The REST API's one exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]).

Viewsets call the services and let their exceptions through; this maps them the same way
for every endpoint:
- a stale version (StaleVersion) → 409 ``{"detail": message, "version": current}``;
- not found or out of scope (Http404, ObjectDoesNotExist, OutOfScope, a ValidationError coded
  ``not_found``) → 404 with one body, so that no answer tells whether the record exists;
- any other django ValidationError → 400 in DRF's shape: ``{field: [message]}``, messages
  about no field under ``non_field_errors``; a view renames a service's keys to its
  serializer's with ``service_error_fields``;
- django PermissionDenied → 403 (with the service's message when it gives one).
Everything else is DRF's own handling.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .concurrency import StaleVersion
from .errors import is_not_found


def not_found_message() -> str:
    return _("找不到该记录。")


def validation_detail(exc: DjangoValidationError, renames: dict | None = None) -> dict:
    """A django ValidationError as DRF reports a serializer's: field → list of messages."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if not hasattr(exc, "error_dict"):
        return {non_field: exc.messages}
    detail: dict[str, list] = {}
    for key, messages in exc.message_dict.items():
        name = non_field if key == NON_FIELD_ERRORS else (renames or {}).get(key, key)
        detail.setdefault(name, []).extend(messages)
    return detail


def stale_version_response(exc: StaleVersion) -> Response:
    # Built here rather than as an APIException, whose detail would turn the number to text.
    body = {"detail": exc.messages[0]}
    if exc.current_version is not None:
        body["version"] = exc.current_version
    set_rollback()
    return Response(body, status=status.HTTP_409_CONFLICT)


def exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        return stale_version_response(exc)
    if is_not_found(exc):
        exc = exceptions.NotFound(not_found_message())
    elif isinstance(exc, DjangoValidationError):
        renames = getattr(context.get("view"), "service_error_fields", None)
        exc = exceptions.ValidationError(validation_detail(exc, renames))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
