from django.core.paginator import Paginator
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from runtime.ids import parse_id


class PanelAppPagination(PageNumberPagination):
    """``{count, next, previous, results}``, 100 per page, absolute links, no page-size parameter.

    A page past the end (or not a number) is 404 ``{"detail": "Invalid page."}`` as in PanelApp.
    """

    page_size = 100
    page_size_query_param = None
    max_page_size = 100

    def get_page_number(self, request: Request, paginator: Paginator) -> int | str:
        # Django's paginator takes int() of the text, which accepts signs, spaces and non-ASCII
        # digits; pages are what runtime.ids calls a number, from 1.
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw == "":
            return 1
        if raw in self.last_page_strings:
            return paginator.num_pages
        number = parse_id(raw)
        if number is None or number < 1:
            raise NotFound("Invalid page.")
        return number
