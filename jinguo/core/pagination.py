"""The API's page numbers: ?page= is one whole number from 1, as the schema says."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from .ids import MAX_ID, valid_id

PAGE_INVALID = _("页码须是 1 到 %(max)d 之间的整数。")


class Pagination(PageNumberPagination):
    """DRF reads ?page= loosely: an empty value is page 1, "last" the last page, and anything
    else not a number a 404. A page number that is not a positive whole number is a mistake in
    the request (400); a page past the end of the list stays a 404."""

    def get_page_number(self, request, paginator):
        page = request.query_params.get(self.page_query_param)
        if page is None:
            return 1
        if not valid_id(page):
            raise ValidationError({self.page_query_param: [PAGE_INVALID % {"max": MAX_ID}]})
        return page
