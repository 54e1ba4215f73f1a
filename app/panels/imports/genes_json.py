"""Gene-collection upload (reference §6.2): ``{"insert", "update", "delete", "update_symbol"}``.

In one transaction: every active panel that is not a super panel gets one new minor version
(their entities' gene copies may change), new genes are inserted, changed genes refresh the
copies on entities, renamed genes move entities to the new symbol, and deleted symbols are
deactivated (never removed: old versions still name them).
"""
from __future__ import annotations

import json
import logging

from django.db import transaction
from django.utils import timezone

from ..models import STR, Gene, GenePanelEntrySnapshot, GenePanelSnapshot, Region
from ..services.versioning import increment_version, lock_snapshot
from ..vocab import PanelStatus
from .common import ImportRejected, Problem, decode
from .gene_records import GeneRecordError, normalise, upsert_genes

logger = logging.getLogger(__name__)
KEYS = ("insert", "update", "delete", "update_symbol")


def _parse(content: bytes) -> dict:
    try:
        data = json.loads(decode(content))
    except json.JSONDecodeError as error:
        raise ImportRejected([Problem(error.lineno, "", f"not valid JSON: {error.msg}")])
    if not isinstance(data, dict) or not set(data) & set(KEYS):
        raise ImportRejected([Problem(None, "", "expected an object with insert, update, delete and/or update_symbol")])
    problems = []
    records = {"insert": [], "update": [], "update_symbol": [], "delete": []}
    for key in ("insert", "update"):
        for index, record in enumerate(data.get(key) or []):
            try:
                records[key].append(normalise(record))
            except GeneRecordError as error:
                problems.append(Problem(None, f"{key}[{index}]", str(error)))
    for index, pair in enumerate(data.get("update_symbol") or []):
        try:
            new, old = pair
            records["update_symbol"].append((normalise(new), str(old)))
        except (GeneRecordError, TypeError, ValueError) as error:
            problems.append(Problem(None, f"update_symbol[{index}]", f"expected [gene record, old symbol]: {error}"))
    for index, symbol in enumerate(data.get("delete") or []):
        if not isinstance(symbol, str) or not symbol.strip():
            problems.append(Problem(None, f"delete[{index}]", "expected a gene symbol"))
        else:
            records["delete"].append(symbol.strip())
    if problems:
        raise ImportRejected(problems)
    return records


ENTITY_MODELS = (GenePanelEntrySnapshot, STR, Region)


def _refresh_copies(symbols: set[str]) -> int:
    genes = {g.gene_symbol: g.dict_tr() for g in Gene.objects.filter(gene_symbol__in=symbols)}
    changed = 0
    for model in ENTITY_MODELS:
        for entity in model.objects.filter(gene_core_id__in=symbols).only("id", "gene_core_id", "gene"):
            entity.gene = genes[entity.gene_core_id]
            entity.save(update_fields=["gene"])
            changed += 1
    return changed


def import_genes_json(content: bytes, user) -> dict:
    records = _parse(content)
    with transaction.atomic():
        panels = GenePanelSnapshot.objects.select_related("panel", "level4title").exclude(
            panel__status=PanelStatus.DELETED
        )
        bumped = {}
        for snapshot in panels:
            if snapshot.is_super_panel():
                continue
            increment_version(lock_snapshot(snapshot), comment="Gene data upload", include_superpanels=False)
            bumped[snapshot.panel_id] = snapshot.version
        inserted, _ = upsert_genes(records["insert"]) if records["insert"] else (0, 0)
        _, updated = upsert_genes(records["update"]) if records["update"] else (0, 0)
        touched = {r["gene_symbol"] for r in records["update"]}
        renamed = 0
        for new, old in records["update_symbol"]:
            upsert_genes([new])
            new_symbol = new["gene_symbol"]
            for model in ENTITY_MODELS:
                qs = model.objects.filter(gene_core_id=old)
                if model is GenePanelEntrySnapshot:
                    # A panel that already has the new symbol keeps its own entry.
                    qs = qs.exclude(panel__in=model.objects.filter(gene_core_id=new_symbol).values("panel"))
                renamed += qs.update(gene_core_id=new_symbol)
            touched.add(new_symbol)
            Gene.objects.filter(gene_symbol=old).update(active=False)
        deactivated = Gene.objects.filter(gene_symbol__in=records["delete"]).update(active=False)
        for model in ENTITY_MODELS:
            still_used = model.objects.filter(gene_core_id__in=records["delete"]).count()
            if still_used:
                logger.warning("%d %s entities still use deleted gene symbols", still_used, model._meta.verbose_name)
        copies = _refresh_copies(touched) if touched else 0
        # Super panels show their children's genes: mark every panel changed (panels.cache).
        GenePanelSnapshot.objects.update(modified=timezone.now())
    return {
        "panels": bumped,
        "inserted": inserted,
        "updated": updated,
        "renamed": renamed,
        "deactivated": deactivated,
        "entity_copies_refreshed": copies,
    }
