"""Mirroring another PanelApp: read its public panels through API v1, then store them in one transaction.

A run has two halves:

1. **Fetch and check** (no writes): the source's panel list and signed-off list (every page);
   the panels that changed since the last run (their version, version date or signed-off
   versions differ from what the mirror recorded, or the panel is new) are fetched in full: the
   panel with its entities, each entity's reviews, and each signed-off version not yet stored
   here. Every answer is checked (``mirror.shapes``); any error stops the run here.
2. **Apply** (one transaction): each fetched panel replaces its copy (same id, hash id, version,
   version date, entities, reviews, signed-off versions), panels that left the source's list are
   withdrawn, and what the lists said is recorded for the next run. A failure anywhere rolls the
   whole run back: the mirror is exactly as it was before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import User
from panels.models import (
    STR,
    Comment,
    Evaluation,
    Evidence,
    Gene,
    GenePanel,
    GenePanelEntrySnapshot,
    GenePanelSnapshot,
    HistoricalSnapshot,
    Level4Title,
    PanelType,
    Region,
    Tag,
)
from panels.services.panels import set_panel_types_in_order
from panels.services.stats import recalculate_stats, recalculate_stats_of_panels
from panels.services.versioning import SCHEMA_VERSION
from panels.versions import Version

from . import shapes
from .client import MirrorError, SourceClient
from .models import MirroredPanel, MirrorSource

logger = logging.getLogger(__name__)

#: Entity kinds as API v1 names them (detail keys and URL segments), with their models.
KINDS: tuple[tuple[str, Any], ...] = (("genes", GenePanelEntrySnapshot), ("strs", STR), ("regions", Region))


@dataclass
class FetchedPanel:
    """Everything read from the source about one changed panel."""

    listed: dict[str, Any]
    detail: dict[str, Any]
    #: (kind, entity name) -> the entity's reviews, newest first (as the API lists them).
    reviews: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    #: [(version, date)] of its signed-off versions at the source.
    signed_off: list[tuple[str, str]] = field(default_factory=list)
    #: version -> the stored panel JSON of a signed-off version fetched in this run.
    versions: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def panel_id(self) -> int:
        return int(self.listed["id"])

    @property
    def child_ids(self) -> set[int]:
        """A super panel's children: the panels its entities come from (and ``child_panel_ids``)."""
        return set(self.child_order)

    @property
    def child_order(self) -> list[int]:
        """The children in the source's order (``child_panel_ids``), then any other panel its
        entities come from, by id."""
        listed = self.detail.get("child_panel_ids")
        ordered = (
            [i for i in listed if isinstance(i, int) and not isinstance(i, bool)] if isinstance(listed, list) else []
        )
        from_entities = {
            int(item["panel"]["id"])
            for kind, _ in KINDS
            for item in self.detail[kind]
            if isinstance(item.get("panel"), dict)
        }
        return list(dict.fromkeys(ordered)) + sorted(from_entities - set(ordered))


@dataclass
class MirrorResult:
    source: str
    fetched: list[int]
    unchanged: int
    withdrawn: list[int]
    requests: list[str]
    seconds: float
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "fetched": self.fetched,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "requests": len(self.requests),
            "seconds": round(self.seconds, 3),
            "warnings": self.warnings,
        }

    def describe(self) -> str:
        fetched = ", ".join(map(str, self.fetched)) or "none"
        lines = [
            f"Mirrored {self.source}: {len(self.fetched)} panel(s) fetched ({fetched}), {self.unchanged} unchanged, "
            f"{len(self.withdrawn)} withdrawn; {len(self.requests)} request(s) in {self.seconds:.1f}s."
        ]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def mirror(url: str, *, full: bool = False, timeout: float = 30.0, retries: int = 3) -> MirrorResult:
    """Copy the public panels of the PanelApp at ``url`` into this one; MirrorError when it cannot.

    ``full`` fetches every panel again (new reviews do not change a panel's version, so an
    incremental run does not see them until the panel changes).
    """
    started = time.monotonic()
    client = SourceClient(url, timeout=timeout, retries=retries)
    try:
        listed, signed = _read_lists(client)
        source = MirrorSource.objects.filter(url=client.base_url).first()
        states = {m.panel_id: m for m in MirroredPanel.objects.filter(source=source)} if source else {}
        _refuse_conflicts(client.base_url, listed, states)
        changed = [
            item
            for item in listed.values()
            if full or _differs(states.get(item["id"]), item, signed.get(item["id"], []))
        ]
        stored = _stored_signed_versions([item["id"] for item in changed]) if not full else {}
        fetched = [_fetch_panel(client, item, signed.get(item["id"], []), stored) for item in changed]
    finally:
        client.close()
    withdrawn = sorted(pk for pk, state in states.items() if pk not in listed and not state.withdrawn)
    result = MirrorResult(
        source=client.base_url,
        fetched=sorted(f.panel_id for f in fetched),
        unchanged=len(listed) - len(fetched),
        withdrawn=withdrawn,
        requests=list(client.requests),
        seconds=0.0,
    )
    _apply(client.base_url, fetched, listed, signed, withdrawn, result)
    result.seconds = time.monotonic() - started
    MirrorSource.objects.filter(url=client.base_url).update(last_result=result.summary())
    logger.info("mirror run finished", extra={"mirror": result.summary()})
    return result


# -- reading the source -------------------------------------------------------------------------


def _read_lists(client: SourceClient) -> tuple[dict[int, dict[str, Any]], dict[int, list[tuple[str, str]]]]:
    listed: dict[int, dict[str, Any]] = {}
    for index, item in enumerate(client.pages(client.url("panels/"), "panels")):
        panel = shapes.check_panel(item, f"the panel list, item {index}")
        if panel["id"] in listed:
            raise MirrorError(f"the panel list holds panel {panel['id']} twice")
        listed[panel["id"]] = panel
    signed: dict[int, list[tuple[str, str]]] = {}
    url = client.url("panels/signedoff/", display="all")
    for index, item in enumerate(client.pages(url, "signed-off panels")):
        entry = shapes.check_signed_off(item, f"the signed-off list, item {index}")
        signed.setdefault(entry["id"], []).append((entry["version"], entry["signed_off"][:10]))
    return listed, {pk: sorted(set(values)) for pk, values in signed.items()}


def _refuse_conflicts(base_url: str, listed: dict[int, dict[str, Any]], states: dict[int, MirroredPanel]) -> None:
    """A mirror takes its source's panel ids: a panel of its own (or another source's) with one is a conflict."""
    theirs = set(listed) - set(states)
    clashes = sorted(GenePanel.objects.filter(pk__in=theirs).values_list("pk", flat=True))
    if clashes:
        shown = ", ".join(map(str, clashes[:10])) + (" ..." if len(clashes) > 10 else "")
        raise MirrorError(
            f"panel id(s) {shown} already exist here and were not mirrored from {base_url}: a mirror keeps its "
            "source's panel ids, so mirror into an installation without panels of its own (nothing was changed)"
        )


def _differs(state: MirroredPanel | None, item: dict[str, Any], signed: list[tuple[str, str]]) -> bool:
    if state is None or state.withdrawn:
        return True
    return (
        state.version != item["version"]
        or state.version_created != (item["version_created"] or "")
        or [tuple(pair) for pair in state.signed_off] != signed
    )


def _stored_signed_versions(panel_ids: list[int]) -> dict[int, set[str]]:
    """The signed-off versions already stored here: their frozen JSON never changes, so never fetched again."""
    stored: dict[int, set[str]] = {}
    for panel_id, major, minor in HistoricalSnapshot.objects.filter(panel_id__in=panel_ids).values_list(
        "panel_id", "major_version", "minor_version"
    ):
        stored.setdefault(panel_id, set()).add(f"{major}.{minor}")
    return stored


def _fetch_panel(
    client: SourceClient, item: dict[str, Any], signed: list[tuple[str, str]], stored: dict[int, set[str]]
) -> FetchedPanel:
    panel_id = item["id"]
    where = f"panel {panel_id} ({client.url(f'panels/{panel_id}/')})"
    detail = shapes.check_panel_detail(client.get_json(client.url(f"panels/{panel_id}/")), where)
    if detail["id"] != panel_id:
        raise MirrorError(f"{where}: answered panel {detail['id']} instead")
    fetched = FetchedPanel(listed=item, detail=detail, signed_off=signed)
    for kind, _ in KINDS:
        # A super panel may show one gene of two children; a panel of its own lists each once.
        names = [((entity.get("panel") or {}).get("id", 0), entity["entity_name"]) for entity in detail[kind]]
        if len(set(names)) != len(names):
            raise MirrorError(f"{where}: {kind} lists an entity twice")
        for entity in detail[kind]:
            if "panel" in entity:
                continue  # a super panel's entities are its children's, reviewed there
            name = entity["entity_name"]
            url = client.url(f"panels/{panel_id}/{kind}/{client.segment(name)}/evaluations/")
            fetched.reviews[(kind, name)] = [
                shapes.check_evaluation(review, f"panel {panel_id}: the reviews of {name}, item {index}")
                for index, review in enumerate(client.pages(url, f"reviews of {name}"))
            ]
    for version, _ in signed:
        if version in stored.get(panel_id, set()):
            continue
        url = client.url(f"panels/{panel_id}/", version=version)
        answer = shapes.check_panel_detail(client.get_json(url), f"panel {panel_id} version {version} ({url})")
        if answer["version"] != version:
            raise MirrorError(f"{url}: answered version {answer['version']} instead of {version}")
        fetched.versions[version] = {key: value for key, value in answer.items() if key != "signed_off"}
    return fetched


# -- storing it -----------------------------------------------------------------------------------


def _apply(
    base_url: str,
    fetched: list[FetchedPanel],
    listed: dict[int, dict[str, Any]],
    signed: dict[int, list[tuple[str, str]]],
    withdrawn: list[int],
    result: MirrorResult,
) -> None:
    current = "the run"
    try:
        with transaction.atomic():
            source = _source(base_url)
            now = timezone.now()
            _ensure_genes(fetched)
            snapshots: dict[int, GenePanelSnapshot] = {}
            # Children first: a super panel links to its children's copies.
            for panel in sorted(fetched, key=lambda f: bool(f.child_ids)):
                current = f"panel {panel.panel_id}"
                snapshots[panel.panel_id] = _store_panel(source, panel)
            current = "the super panels' children"
            # Only panels of this source: every listed panel is mirrored by now, local ones never are.
            known = {c for f in fetched for c in f.child_ids} & set(listed)
            for panel in fetched:
                if panel.child_ids:
                    missing = sorted(panel.child_ids - known)
                    if missing:
                        result.warnings.append(
                            f"super panel {panel.panel_id}: child panel(s) {missing} are not public at the source "
                            "and were left out"
                        )
                    snapshot = snapshots[panel.panel_id]
                    _set_children(snapshot, [c for c in panel.child_order if c in known])
            current = "the panel ids"
            _reset_panel_id_sequence()
            current = "the statistics"
            plain = [snapshots[f.panel_id] for f in fetched if not f.child_ids]
            recalculate_stats_of_panels(plain)
            for panel in fetched:
                if panel.child_ids:
                    recalculate_stats(snapshots[panel.panel_id])
            current = "the withdrawn panels"
            for panel_id in withdrawn:
                status = "retired" if panel_id in signed else "deleted"
                GenePanel.objects.filter(pk=panel_id).update(status=status, modified=now)
                GenePanelSnapshot.objects.filter(panel_id=panel_id).update(modified=now)
            MirroredPanel.objects.filter(source=source, panel_id__in=withdrawn).update(withdrawn=True)
            for panel in fetched:
                item = panel.listed
                MirroredPanel.objects.update_or_create(
                    panel_id=panel.panel_id,
                    defaults={
                        "source": source,
                        "version": item["version"],
                        "version_created": item["version_created"] or "",
                        "signed_off": [list(pair) for pair in panel.signed_off],
                        "withdrawn": False,
                        "fetched": now,
                    },
                )
            source.last_synced = now
            source.save(update_fields=["last_synced"])
    except DatabaseError as error:
        raise MirrorError(
            f"{current}: the source's data could not be stored ({str(error).strip().splitlines()[0]}); "
            "nothing was changed"
        ) from None


def _source(base_url: str) -> MirrorSource:
    source = MirrorSource.objects.select_for_update().filter(url=base_url).first()
    if source is not None:
        return source
    digest = hashlib.sha256(base_url.encode()).hexdigest()[:12]
    user = User(
        username=f"mirror-{digest}",
        first_name="Mirror of",
        last_name=base_url[:150],
        email=None,
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    return MirrorSource.objects.create(url=base_url, user=user)


def _text(value: object, limit: int = 255) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def _list(value: object) -> list[Any] | None:
    return value if isinstance(value, list) else None


def _ensure_genes(fetched: Iterable[FetchedPanel]) -> None:
    """Genes the mirror's gene table lacks are added from the entities' ``gene_data`` (never changed)."""
    records: dict[str, dict[str, Any]] = {}
    for panel in fetched:
        for kind, _ in KINDS:
            for entity in panel.detail[kind]:
                gene = entity.get("gene_data")
                if isinstance(gene, dict) and gene.get("gene_symbol"):
                    records.setdefault(gene["gene_symbol"], gene)
    missing = set(records) - set(Gene.objects.filter(pk__in=list(records)).values_list("pk", flat=True))
    Gene.objects.bulk_create(
        [
            Gene(
                gene_symbol=symbol,
                gene_name=_text(records[symbol].get("gene_name")),
                ensembl_genes=records[symbol].get("ensembl_genes")
                if isinstance(records[symbol].get("ensembl_genes"), dict)
                else {},
                omim_gene=_list(records[symbol].get("omim_gene")),
                alias=_list(records[symbol].get("alias")),
                biotype=_text(records[symbol].get("biotype")),
                alias_name=_list(records[symbol].get("alias_name")),
                hgnc_symbol=_text(records[symbol].get("hgnc_symbol")),
                hgnc_date_symbol_changed=_date(records[symbol].get("hgnc_date_symbol_changed")),
                hgnc_release=_date(records[symbol].get("hgnc_release")),
                hgnc_id=_text(records[symbol].get("hgnc_id")),
                active=True,
            )
            for symbol in sorted(missing)
        ]
    )


def _date(value: object) -> dt.date | None:
    return shapes.parse_date(value) if isinstance(value, str) else None


def _store_panel(source: MirrorSource, fetched: FetchedPanel) -> GenePanelSnapshot:
    detail = fetched.detail
    panel_id = fetched.panel_id
    panel, _ = GenePanel.objects.get_or_create(pk=panel_id, defaults={"name": detail["name"]})
    panel.old_pk = detail["hash_id"]
    panel.name = detail["name"]
    panel.status = detail["status"]
    panel.save()
    # In the source's order: a panel lists its types in its own order.
    set_panel_types_in_order(panel, _panel_types(detail["types"]))
    version = Version.parse(detail["version"])
    created = shapes.parse_datetime(detail["version_created"] or "") or timezone.now()
    description = detail.get("description") if isinstance(detail.get("description"), str) else ""
    snapshot = GenePanelSnapshot.objects.select_related("level4title").filter(panel=panel).first()
    if snapshot is None:
        title = Level4Title.objects.create(name=detail["name"])
        snapshot = GenePanelSnapshot(panel=panel, level4title=title)
    title = snapshot.level4title
    title.name = detail["name"]
    title.level2title = detail["disease_group"]
    title.level3title = detail["disease_sub_group"]
    title.description = description or ""
    title.save()
    snapshot.major_version, snapshot.minor_version = version.major, version.minor
    snapshot.created = created
    snapshot.old_panels = list(detail["relevant_disorders"])
    snapshot.save()
    _clear_entities(snapshot)
    if not fetched.child_ids:
        _store_entities(source, snapshot, fetched)
    _store_signed_off(panel, fetched)
    return snapshot


def _panel_types(items: list[dict[str, Any]]) -> list[PanelType]:
    types = []
    for item in items:
        kind, _ = PanelType.objects.update_or_create(
            slug=item["slug"], defaults={"name": item["name"], "description": item["description"]}
        )
        types.append(kind)
    return types


def _clear_entities(snapshot: GenePanelSnapshot) -> None:
    """The copy is replaced whole: entities, their sources, reviews and comments."""
    for _, model in KINDS:
        column = model._meta.model_name
        entities = model.objects.filter(panel=snapshot)
        evidence = list(
            model.evidence.through.objects.filter(**{f"{column}__panel": snapshot}).values_list(
                "evidence_id", flat=True
            )
        )
        reviews = list(
            model.evaluation.through.objects.filter(**{f"{column}__panel": snapshot}).values_list(
                "evaluation_id", flat=True
            )
        )
        comments = list(
            model.comments.through.objects.filter(**{f"{column}__panel": snapshot}).values_list("comment_id", flat=True)
        )
        entities.delete()
        Evidence.objects.filter(pk__in=evidence).delete()
        Evaluation.objects.filter(pk__in=reviews).delete()
        Comment.objects.filter(pk__in=comments).delete()


def _positions(pair: list[int] | None) -> tuple[int | None, int | None]:
    return (pair[0], pair[1]) if pair else (None, None)


def _entity(kind: str, snapshot: GenePanelSnapshot, item: dict[str, Any], genes: set[str]) -> Any:
    gene = item.get("gene_data")
    symbol = gene.get("gene_symbol") if isinstance(gene, dict) else None
    common: dict[str, Any] = {
        "panel": snapshot,
        "gene": gene,
        "gene_core_id": symbol if symbol in genes else None,
        "moi": item["mode_of_inheritance"],
        "penetrance": item["penetrance"],
        "publications": item["publications"],
        "phenotypes": item["phenotypes"],
        "saved_gel_status": int(item["confidence_level"]),
    }
    if kind == "genes":
        common["gene_core_id"] = item["entity_name"]
        return GenePanelEntrySnapshot(
            **common, mode_of_pathogenicity=item["mode_of_pathogenicity"], transcript=item.get("transcript")
        )
    start37, end37 = _positions(item["grch37_coordinates"])
    start38, end38 = _positions(item["grch38_coordinates"])
    located = {
        **common,
        "name": item["entity_name"],
        "chromosome": item["chromosome"],
        "position_37_start": start37,
        "position_37_end": end37,
        "position_38_start": start38,
        "position_38_end": end38,
    }
    if kind == "strs":
        return STR(
            **located,
            repeated_sequence=item["repeated_sequence"],
            normal_repeats=item["normal_repeats"],
            pathogenic_repeats=item["pathogenic_repeats"],
        )
    return Region(
        **located,
        verbose_name=item["verbose_name"],
        mode_of_pathogenicity=item["mode_of_pathogenicity"],
        haploinsufficiency_score=item["haploinsufficiency_score"],
        triplosensitivity_score=item["triplosensitivity_score"],
        required_overlap_percentage=item["required_overlap_percentage"],
        type_of_variants=item["type_of_variants"],
    )


def _store_entities(source: MirrorSource, snapshot: GenePanelSnapshot, fetched: FetchedPanel) -> None:
    genes = set(
        Gene.objects.filter(
            pk__in={
                e["gene_data"]["gene_symbol"]
                for kind, _ in KINDS
                for e in fetched.detail[kind]
                if isinstance(e.get("gene_data"), dict)
            }
        ).values_list("pk", flat=True)
    )
    stamp = snapshot.created
    tag_names = {tag for kind, _ in KINDS for e in fetched.detail[kind] for tag in e["tags"]}
    tags = _tags(tag_names)
    for kind, model in KINDS:
        items = fetched.detail[kind]
        if not items:
            continue
        entities = model.objects.bulk_create([_entity(kind, snapshot, item, genes) for item in items])
        column = f"{model._meta.model_name}_id"
        # Sources newest first: created in reverse with one time, so the later id is the newer.
        evidence = [
            (entity, Evidence(name=name, created=stamp, legacy_type=None))
            for entity, item in zip(entities, items, strict=True)
            for name in reversed(item["evidence"])
        ]
        Evidence.objects.bulk_create([ev for _, ev in evidence])
        model.evidence.through.objects.bulk_create(
            [model.evidence.through(**{column: entity.pk, "evidence_id": ev.pk}) for entity, ev in evidence]
        )
        model.tags.through.objects.bulk_create(
            [
                model.tags.through(**{column: entity.pk, "tag_id": tags[name].pk})
                for entity, item in zip(entities, items, strict=True)
                for name in dict.fromkeys(item["tags"])
            ]
        )
        reviews = [
            (entity, _evaluation(source, review))
            for entity, item in zip(entities, items, strict=True)
            for review in reversed(fetched.reviews.get((kind, item["entity_name"]), []))
        ]
        Evaluation.objects.bulk_create([review for _, review in reviews])
        model.evaluation.through.objects.bulk_create(
            [model.evaluation.through(**{column: entity.pk, "evaluation_id": ev.pk}) for entity, ev in reviews]
        )


def _tags(names: set[str]) -> dict[str, Tag]:
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    Tag.objects.bulk_create([Tag(name=name) for name in sorted(names - set(existing))])
    return {tag.name: tag for tag in Tag.objects.filter(name__in=names)}


def _evaluation(source: MirrorSource, review: dict[str, Any]) -> Evaluation:
    return Evaluation(
        user=source.user,
        created=shapes.parse_datetime(review["created"]) or timezone.now(),
        rating=review["rating"],
        mode_of_pathogenicity=review["mode_of_pathogenicity"],
        publications=review["publications"],
        phenotypes=review["phenotypes"],
        moi=review["moi"],
        current_diagnostic=review["current_diagnostic"],
        clinically_relevant=review["clinically_relevant"],
    )


def _store_signed_off(panel: GenePanel, fetched: FetchedPanel) -> None:
    signed = dict(fetched.signed_off)
    for version_text, data in fetched.versions.items():
        version = Version.parse(version_text)
        HistoricalSnapshot.objects.update_or_create(
            panel=panel,
            major_version=version.major,
            minor_version=version.minor,
            defaults={"data": data, "schema_version": SCHEMA_VERSION, "reason": ""},
        )
    for historical in HistoricalSnapshot.objects.filter(panel=panel):
        date = signed.get(historical.version)
        wanted = shapes.parse_date(date) if date else None
        if historical.signed_off_date != wanted:
            historical.signed_off_date = wanted
            historical.save(update_fields=["signed_off_date"])
    panel.signed_off = (
        HistoricalSnapshot.objects.filter(panel=panel, signed_off_date__isnull=False)
        .order_by("-major_version", "-minor_version")
        .first()
    )
    panel.save(update_fields=["signed_off"])


def _set_children(snapshot: GenePanelSnapshot, panel_ids: list[int]) -> None:
    """A super panel's children in this order (``child_panel_ids`` lists them in the order their
    links were made; ``child_panels.set`` would make them in no particular order)."""
    children = {s.panel_id: s for s in GenePanelSnapshot.objects.filter(panel_id__in=panel_ids)}
    link = GenePanelSnapshot.child_panels.through
    snapshot.child_panels.clear()
    link.objects.bulk_create(
        [link(from_genepanelsnapshot=snapshot, to_genepanelsnapshot=children[i]) for i in panel_ids if i in children]
    )
    snapshot._is_super_panel = bool(panel_ids)


def _reset_panel_id_sequence() -> None:
    """Panels created here later must not take a mirrored id (PostgreSQL's sequence does not move by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [GenePanel])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
