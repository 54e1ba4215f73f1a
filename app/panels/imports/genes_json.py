"""Gene-collection upload (reference §6.2): ``{"insert", "update", "delete", "update_symbol"}``.

In one transaction: every active panel that is not a super panel gets one new minor version
(their entities' gene copies may change), new genes are inserted, changed genes refresh the
copies on entities, renamed genes move entities to the new symbol, and deleted symbols are
deactivated (never removed: old versions still name them). Every step is a fixed number of bulk
statements, however many genes the file holds.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from ..answers import refresh_on_commit
from ..bulk_sql import bulk_update
from ..models import Gene, GenePanelEntrySnapshot, GenePanelSnapshot
from ..selectors.entities import ENTITY_MODELS_IN_ORDER
from ..services.versioning import bump_panels
from ..vocab import PanelStatus
from .common import NUL_REASON, ImportRejected, Problem, decode, read_maybe_gzip
from .gene_records import GeneRecordError, normalise, upsert_genes

logger = logging.getLogger(__name__)
KEYS = ("insert", "update", "delete", "update_symbol")


# A JSON escape of NUL (``\u0000``) not itself escaped: PostgreSQL text and jsonb cannot hold NUL.
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def _parse(source: bytes | BinaryIO) -> dict:
    text = decode(read_maybe_gzip(source))
    if "\x00" in text or _NUL_ESCAPE.search(text):
        raise ImportRejected([Problem(None, "", "The file " + NUL_REASON)])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRejected([Problem(error.lineno, "", f"not valid JSON: {error.msg}")]) from error
    except RecursionError:
        raise ImportRejected([Problem(None, "", "not valid gene data: the JSON is nested too deeply.")]) from None
    if not isinstance(data, dict) or not set(data) & set(KEYS):
        raise ImportRejected([Problem(None, "", "expected an object with insert, update, delete and/or update_symbol")])
    problems = []
    records: dict[str, list[Any]] = {"insert": [], "update": [], "update_symbol": [], "delete": []}
    for key in ("insert", "update"):
        items = data.get(key) or []
        if not isinstance(items, list):
            problems.append(Problem(None, key, "expected a list of gene records"))
            continue
        for index, record in enumerate(items):
            try:
                records[key].append(normalise(record))
            except (GeneRecordError, TypeError, ValueError) as error:
                problems.append(Problem(None, f"{key}[{index}]", str(error)))
    renames = data.get("update_symbol") or []
    for index, pair in enumerate(renames if isinstance(renames, list) else [renames]):
        try:
            new, old = pair
            records["update_symbol"].append((normalise(new), str(old)))
        except (GeneRecordError, TypeError, ValueError) as error:
            problems.append(Problem(None, f"update_symbol[{index}]", f"expected [gene record, old symbol]: {error}"))
    deletes = data.get("delete") or []
    for index, symbol in enumerate(deletes if isinstance(deletes, list) else [deletes]):
        if not isinstance(symbol, str) or not symbol.strip():
            problems.append(Problem(None, f"delete[{index}]", "expected a gene symbol"))
        else:
            records["delete"].append(symbol.strip())
    if problems:
        raise ImportRejected(problems)
    return records


def _refresh_copies(symbols: set[str]) -> int:
    """Every entity's copy of its gene, from the gene table: one read and one bulk update per kind."""
    genes = {g.gene_symbol: g.dict_tr() for g in Gene.objects.filter(gene_symbol__in=symbols)}
    changed = 0
    for model in ENTITY_MODELS_IN_ORDER:
        entities = list(model.objects.filter(gene_core_id__in=symbols).only("id", "gene_core_id", "gene"))
        for entity in entities:
            if entity.gene_core_id is not None:  # always: the entities were found by it
                entity.gene = genes[entity.gene_core_id]
        bulk_update(model, entities, ["gene"])
        changed += len(entities)
    return changed


def _rename(pairs: list[tuple[dict, str]]) -> int:
    """Move entities from each old symbol to its new one, pair by pair in file order (in memory),
    then write every move at once. A panel that already has the new symbol keeps its own entry."""
    symbols = {new["gene_symbol"] for new, _ in pairs} | {old for _, old in pairs}
    renamed = 0
    for model in ENTITY_MODELS_IN_ORDER:
        entities = list(model.objects.filter(gene_core_id__in=symbols).only("id", "panel_id", "gene_core_id"))
        moved = {}
        for new, old in pairs:
            new_symbol = new["gene_symbol"]
            holding = {e.panel_id for e in entities if e.gene_core_id == new_symbol}
            for entity in entities:
                if entity.gene_core_id != old:
                    continue
                if model is GenePanelEntrySnapshot and entity.panel_id in holding:
                    continue
                entity.gene_core_id = new_symbol
                moved[entity.pk] = entity
                renamed += 1
        bulk_update(model, list(moved.values()), ["gene_core"])
    return renamed


def import_genes_json(source: bytes | BinaryIO, user) -> dict:
    """Import a gene-collection file (JSON, or gzip-compressed JSON). All or nothing."""
    records = _parse(source)
    with transaction.atomic():
        panels = list(
            GenePanelSnapshot.objects.select_related("panel", "level4title").exclude(panel__status=PanelStatus.DELETED)
        )
        supers = set(GenePanelSnapshot.child_panels.through.objects.values_list("from_genepanelsnapshot_id", flat=True))
        bumped = bump_panels(
            [s for s in panels if s.pk not in supers], comment="Gene data upload", include_superpanels=False
        )
        inserted, _ = upsert_genes(records["insert"], normalised=True) if records["insert"] else (0, 0)
        _, updated = upsert_genes(records["update"], normalised=True) if records["update"] else (0, 0)
        touched = {r["gene_symbol"] for r in records["update"]}
        renamed = 0
        pairs = records["update_symbol"]
        if pairs:
            upsert_genes([new for new, _ in pairs], normalised=True)
            renamed = _rename(pairs)
            touched |= {new["gene_symbol"] for new, _ in pairs}
            # An old symbol stays active only if a later pair brought it back as a new symbol.
            retired = {
                old
                for index, (_, old) in enumerate(pairs)
                if old not in {n["gene_symbol"] for n, _ in pairs[index + 1 :]}
            }
            Gene.objects.filter(gene_symbol__in=retired).update(active=False)
        deactivated = Gene.objects.filter(gene_symbol__in=records["delete"]).update(active=False)
        for model in ENTITY_MODELS_IN_ORDER:
            still_used = model.objects.filter(gene_core_id__in=records["delete"]).count()
            if still_used:
                logger.warning("%d %s entities still use deleted gene symbols", still_used, model._meta.verbose_name)
        copies = _refresh_copies(touched) if touched else 0
        # Super panels show their children's genes: mark every panel changed (panels.cache), and
        # rebuild their stored answers once this commits (panels.answers).
        GenePanelSnapshot.objects.update(modified=timezone.now())
        refresh_on_commit(GenePanelSnapshot.objects.values_list("pk", flat=True))
    return {
        "panels": {snapshot.panel_id: snapshot.version for snapshot in bumped},
        "inserted": inserted,
        "updated": updated,
        "renamed": renamed,
        "deactivated": deactivated,
        "entity_copies_refreshed": copies,
    }
