"""How a service says "this record does not exist for you", so that every door answers alike.

Out of scope and not existing are one answer (404 in the API), never a hint that the record
exists. Services say it with ``OutOfScope`` or with a ValidationError coded ``not_found``.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404

NOT_FOUND_CODE = "not_found"


class OutOfScope(PermissionDenied):
    """The record does not exist or lies outside the user's scope.

    A PermissionDenied, so that pages which let it through answer as before; the API answers
    it with the same 404 as a record that does not exist.
    """


def is_not_found(exc: BaseException) -> bool:
    if isinstance(exc, OutOfScope | ObjectDoesNotExist | Http404):
        return True
    if isinstance(exc, ValidationError) and not hasattr(exc, "error_dict"):
        return any(getattr(e, "code", None) == NOT_FOUND_CODE for e in exc.error_list)
    return False
