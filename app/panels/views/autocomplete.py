"""Small JSON lists for the forms' suggestion boxes."""

from django.http import JsonResponse

from ..models import Gene
from .text import query_text

LIMIT = 20


def genes(request):
    """Active gene symbols starting with ``q`` (then containing it), for the gene field."""
    term = query_text(request, "q")
    if not term:
        return JsonResponse({"results": []})
    qs = Gene.objects.active().only("gene_symbol", "gene_name")
    starting = list(qs.filter(gene_symbol__istartswith=term).order_by("gene_symbol")[:LIMIT])
    if len(starting) < LIMIT:
        starting += list(
            qs.filter(gene_symbol__icontains=term)
            .exclude(gene_symbol__istartswith=term)
            .order_by("gene_symbol")[: LIMIT - len(starting)]
        )
    return JsonResponse(
        {"results": [{"id": g.gene_symbol, "text": f"{g.gene_symbol} — {g.gene_name or ''}"} for g in starting]}
    )
