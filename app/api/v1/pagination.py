from rest_framework.pagination import PageNumberPagination


class PanelAppPagination(PageNumberPagination):
    """``{count, next, previous, results}``, 100 per page, absolute links, no page-size parameter.

    A page past the end (or not a number) is 404 ``{"detail": "Invalid page."}`` as in PanelApp.
    """

    page_size = 100
    page_size_query_param = None
    max_page_size = 100
