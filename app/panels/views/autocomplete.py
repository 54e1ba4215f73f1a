"""Small JSON lists for the forms' suggestion boxes."""

from django.http import HttpRequest, JsonResponse

from ..selectors.genes import gene_suggestions
from .text import query_text

LIMIT = 20


def genes(request: HttpRequest) -> JsonResponse:
    """Active gene symbols starting with ``q`` (then containing it), for the gene field."""
    term = query_text(request, "q")
    if not term:
        return JsonResponse({"results": []})
    return JsonResponse(
        {
            "results": [
                {"id": g.gene_symbol, "text": f"{g.gene_symbol} — {g.gene_name or ''}"}
                for g in gene_suggestions(term, LIMIT)
            ]
        }
    )
