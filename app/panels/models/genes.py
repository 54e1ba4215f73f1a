from __future__ import annotations

from django.db import models

from .fields import OrderedJSONField


class GeneQuerySet(models.QuerySet["Gene"]):
    def active(self) -> GeneQuerySet:
        return self.filter(active=True)


class Gene(models.Model):
    """The master gene table (HGNC + Ensembl), loaded from files and never edited by reviewers."""

    gene_symbol = models.CharField(max_length=255, primary_key=True)
    gene_name = models.CharField(max_length=255, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    # {"GRch37": {"82": {"ensembl_id", "location"}}, "GRch38": {"90": {...}}}; "GRch" is PanelApp's spelling.
    ensembl_genes = models.JSONField(default=dict, blank=True)
    omim_gene = models.JSONField(default=list, blank=True, null=True)
    alias = models.JSONField(default=list, blank=True, null=True)
    biotype = models.CharField(max_length=255, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    alias_name = models.JSONField(default=list, blank=True, null=True)
    hgnc_symbol = models.CharField(max_length=255, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    hgnc_date_symbol_changed = models.DateField(blank=True, null=True)
    hgnc_release = models.DateField(blank=True, null=True)
    hgnc_id = models.CharField(max_length=255, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    active = models.BooleanField(default=True, db_index=True)
    # The record as it was imported (its own keys in its own order, its nulls, its strings as
    # written): what every entity copies as its API ``gene_data``. None for a gene written without
    # a file (then ``dict_tr`` builds the copy from the columns).
    gene_data = OrderedJSONField(null=True, blank=True, editable=False)

    objects = GeneQuerySet.as_manager()

    class Meta:
        ordering = ["gene_symbol"]

    def __str__(self) -> str:
        return self.gene_symbol

    def dict_tr(self) -> dict:
        """The copy of this gene stored on an entity (API ``gene_data``): the record as imported,
        or else PanelApp's keys from the columns, dates as ISO strings."""
        if self.gene_data is not None:
            return dict(self.gene_data)
        return {
            "gene_symbol": self.gene_symbol,
            "gene_name": self.gene_name,
            "ensembl_genes": self.ensembl_genes or {},
            "omim_gene": _list_or_none(self.omim_gene),
            "alias": _list_or_none(self.alias),
            "biotype": self.biotype,
            "alias_name": _list_or_none(self.alias_name),
            "hgnc_symbol": self.hgnc_symbol,
            "hgnc_date_symbol_changed": _iso(self.hgnc_date_symbol_changed),
            "hgnc_release": _iso(self.hgnc_release),
            "hgnc_id": self.hgnc_id,
        }

    def ensembl_id(self, assembly: str) -> str:
        """The Ensembl gene id on ``GRch37`` or ``GRch38``, or ``""`` when unknown."""
        return ensembl_id_from(self.ensembl_genes, assembly)


def ensembl_id_from(ensembl_genes, assembly: str) -> str:
    releases = (ensembl_genes or {}).get(assembly) or {}
    for release in sorted(releases, reverse=True):
        ensembl_id = (releases[release] or {}).get("ensembl_id")
        if ensembl_id:
            return ensembl_id
    return ""


def _list_or_none(value):
    return None if value is None else list(value)


def _iso(value):
    return value.isoformat() if value else None
