"""Reading genes: the suggestions of the forms' gene field."""

from __future__ import annotations

from ..models import Gene


def gene_suggestions(term: str, limit: int) -> list[Gene]:
    """Active genes whose symbol starts with ``term``, then those that contain it, A-Z."""
    qs = Gene.objects.active().only("gene_symbol", "gene_name")
    starting = list(qs.filter(gene_symbol__istartswith=term).order_by("gene_symbol")[:limit])
    if len(starting) < limit:
        starting += list(
            qs.filter(gene_symbol__icontains=term)
            .exclude(gene_symbol__istartswith=term)
            .order_by("gene_symbol")[: limit - len(starting)]
        )
    return starting
