"""Panel TSV upload (reference §6.3): the 36-column download layout, validated whole first.

Every row is checked before anything is written, with a fixed number of queries for the whole
file; then, in one transaction, each panel named in the file gets exactly one new minor version
and all of its rows, written in bulk (services.entity_batch).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction

from ..exports import COLUMN
from ..models import STR, Gene, GenePanelSnapshot, Region
from ..names import name_problems
from ..services.entities import EntityFields
from ..services.entity_batch import EntityBatch
from ..services.stats import recalculate_stats_of_panels
from ..services.versioning import bump_panels
from ..vocab import (
    DOSAGE_SCORE_VALUES,
    EXPERT_REVIEW_SOURCES,
    MOI_VALUES,
    MOP_CHOICES,
    UNKNOWN_MOI,
    VARIANT_TYPE_VALUES,
    EntityType,
    PanelStatus,
)
from .common import ImportRejected, Problem, parse_bool, read_tsv, sorted_problems, split_list

MIN_COLUMNS = {EntityType.GENE: 15, EntityType.STR: 31, EntityType.REGION: 35}
# The download writes MOP values; files edited by hand often hold the form labels instead.
MOP_BY_TEXT = {**{label: value for value, label in MOP_CHOICES}, **{value: value for value, _ in MOP_CHOICES}}
SOURCE_NAMES = {name.lower(): name for name in EXPERT_REVIEW_SOURCES}


@dataclass
class Row:
    line: int
    entity_type: str
    panel_name: str
    fields: EntityFields
    flagged: bool


def _cell(cells: list[str], name: str) -> str:
    index = COLUMN[name]
    return cells[index] if index < len(cells) else ""


def _int(cells, name, problems, line, required=True):
    text = _cell(cells, name)
    if not text:
        if required:
            problems.append(Problem(line, name, "is required"))
        return None
    try:
        return int(text)
    except ValueError:
        problems.append(Problem(line, name, f"{text!r} is not a whole number"))
        return None


def _parse_row(line: int, cells: list[str], problems: list[Problem]) -> Row | None:
    if not any(cells):
        problems.append(Problem(line, "", "Empty lines are not allowed"))
        return None
    entity_type = _cell(cells, "Entity type").lower()
    if entity_type not in EntityType.values:
        problems.append(Problem(line, "Entity type", f"{_cell(cells, 'Entity type')!r} is not gene, str or region"))
        return None
    minimum = MIN_COLUMNS[EntityType(entity_type)]
    if len(cells) < minimum:
        problems.append(Problem(line, "", f"has {len(cells)} columns; {entity_type} rows need at least {minimum}"))
        return None
    before = len(problems)
    name = _cell(cells, "Entity Name")
    sources = [SOURCE_NAMES.get(s.lower(), s) for s in split_list(_cell(cells, "Sources(; separated)"))]
    moi = _cell(cells, "Model_Of_Inheritance")
    if moi and moi not in MOI_VALUES:
        problems.append(Problem(line, "Model_Of_Inheritance", f"{moi!r} is not a mode of inheritance PanelApp knows"))
    if moi == UNKNOWN_MOI and "Expert Review Green" in sources:
        problems.append(Problem(line, "Model_Of_Inheritance", "a green entity needs a known mode of inheritance"))
    mop_text = _cell(cells, "Mode of pathogenicity")
    if mop_text and mop_text not in MOP_BY_TEXT:
        problems.append(
            Problem(line, "Mode of pathogenicity", f"{mop_text!r} is not a mode of pathogenicity PanelApp knows")
        )
    flagged = parse_bool(_cell(cells, "Flagged"))
    if flagged is None:
        problems.append(Problem(line, "Flagged", "must be True or False"))
    panel_name = _cell(cells, "Level4")
    if not panel_name:
        problems.append(Problem(line, "Level4", "the panel name is required"))
    fields = EntityFields(
        name=name,
        gene_symbol=_cell(cells, "Gene Symbol"),
        sources=sources,
        phenotypes=split_list(_cell(cells, "Phenotypes")),
        publications=split_list(_cell(cells, "Publications")),
        moi=moi,
        mode_of_pathogenicity=MOP_BY_TEXT.get(mop_text, ""),
    )
    if entity_type == EntityType.GENE:
        if not name:
            problems.append(Problem(line, "Entity Name", "is required"))
        elif fields.gene_symbol and fields.gene_symbol != name:
            problems.append(Problem(line, "Gene Symbol", f"must equal the entity name {name!r} for a gene"))
        fields.gene_symbol = name
    else:
        # The same rule as the forms and services: an STR or region name is part of its address.
        what = "The STR name" if entity_type == EntityType.STR else "The region name"
        problems.extend(Problem(line, "Entity Name", problem) for problem in name_problems(name, what))
        fields.chromosome = _cell(cells, "Position Chromosome")
        start37 = _int(cells, "Position GRCh37 Start", problems, line, required=False)
        end37 = _int(cells, "Position GRCh37 End", problems, line, required=False)
        start38 = _int(cells, "Position GRCh38 Start", problems, line)
        end38 = _int(cells, "Position GRCh38 End", problems, line)
        fields.position_37 = (start37, end37) if start37 is not None and end37 is not None else None
        fields.position_38 = (start38, end38) if start38 is not None and end38 is not None else None
    if entity_type == EntityType.STR:
        fields.repeated_sequence = _cell(cells, "STR Repeated Sequence")
        fields.normal_repeats = _int(cells, "STR Normal Repeats", problems, line)
        fields.pathogenic_repeats = _int(cells, "STR Pathogenic Repeats", problems, line)
    if entity_type == EntityType.REGION:
        if fields.position_37 is not None:
            problems.append(
                Problem(line, "Position GRCh37 Start", "regions are defined on GRCh38 only; leave GRCh37 blank")
            )
        fields.haploinsufficiency_score = _cell(cells, "Region Haploinsufficiency Score")
        fields.triplosensitivity_score = _cell(cells, "Region Triplosensitivity Score")
        fields.required_overlap_percentage = _int(cells, "Region Required Overlap Percentage", problems, line)
        fields.type_of_variants = _cell(cells, "Region Variant Type")
        fields.verbose_name = _cell(cells, "Region Verbose Name")
        problems.extend(
            Problem(line, "Region Verbose Name", problem)
            for problem in name_problems(fields.verbose_name, "The region's long name", slash=True)
        )
        for column, value in (
            ("Region Haploinsufficiency Score", fields.haploinsufficiency_score),
            ("Region Triplosensitivity Score", fields.triplosensitivity_score),
        ):
            if value not in DOSAGE_SCORE_VALUES:
                problems.append(Problem(line, column, f"{value!r} is not a dosage score"))
        if fields.type_of_variants not in VARIANT_TYPE_VALUES:
            problems.append(Problem(line, "Region Variant Type", f"{fields.type_of_variants!r} is not a variant type"))
        if fields.type_of_variants == "cnv_loss" and not fields.haploinsufficiency_score:
            problems.append(
                Problem(line, "Region Haploinsufficiency Score", "CNV loss regions need a haploinsufficiency score")
            )
        if fields.type_of_variants == "cnv_gain" and not fields.triplosensitivity_score:
            problems.append(
                Problem(line, "Region Triplosensitivity Score", "CNV gain regions need a triplosensitivity score")
            )
    if len(problems) > before:
        return None
    return Row(line, entity_type, panel_name, fields, bool(flagged))


def _same_definition(entity, fields: EntityFields) -> bool:
    if entity.chromosome != fields.chromosome or entity.grch38_coordinates != list(fields.position_38 or []):
        return False
    if (entity.grch37_coordinates or None) != (list(fields.position_37) if fields.position_37 else None):
        return False
    if isinstance(entity, STR):
        return (entity.repeated_sequence, entity.normal_repeats, entity.pathogenic_repeats) == (
            fields.repeated_sequence.upper(),
            fields.normal_repeats,
            fields.pathogenic_repeats,
        )
    return (
        (entity.haploinsufficiency_score or ""),
        (entity.triplosensitivity_score or ""),
        entity.required_overlap_percentage,
        entity.type_of_variants,
    ) == (
        fields.haploinsufficiency_score,
        fields.triplosensitivity_score,
        fields.required_overlap_percentage,
        fields.type_of_variants,
    )


def _check_against_database(rows: list[Row], problems: list[Problem]) -> dict[str, GenePanelSnapshot]:
    names = {row.panel_name for row in rows}
    snapshots = {
        s.level4title.name: s
        for s in GenePanelSnapshot.objects.select_related("panel", "level4title")
        .filter(panel__name__in=names)
        .exclude(panel__status=PanelStatus.DELETED)
    }
    supers = set(
        GenePanelSnapshot.child_panels.through.objects.filter(
            from_genepanelsnapshot_id__in=[s.pk for s in snapshots.values()]
        ).values_list("from_genepanelsnapshot_id", flat=True)
    )
    super_panels = sorted(name for name, s in snapshots.items() if s.pk in supers)
    for row in rows:
        if row.panel_name not in snapshots:
            problems.append(Problem(row.line, "Level4", f"there is no panel named {row.panel_name!r}"))
    if super_panels:
        problems.append(Problem(None, "Level4", "Following panels are super panels: " + ", ".join(super_panels)))

    symbols = {row.fields.gene_symbol for row in rows if row.fields.gene_symbol}
    active = set(Gene.objects.active().filter(gene_symbol__in=symbols).values_list("gene_symbol", flat=True))
    missing = sorted(symbols - active)
    for row in rows:
        if row.fields.gene_symbol and row.fields.gene_symbol not in active:
            problems.append(Problem(row.line, "Gene Symbol", f"{row.fields.gene_symbol} is not an active gene symbol"))
    if missing:
        problems.append(Problem(None, "Gene Symbol", "Can't find following genes: " + ", ".join(missing)))

    # STRs and regions must already exist somewhere with the same definition: one query per kind.
    for entity_type, model in ((EntityType.STR, STR), (EntityType.REGION, Region)):
        located = [row for row in rows if row.entity_type == entity_type]
        if not located:
            continue
        known: dict[str, list] = defaultdict(list)
        for entity in model.objects.filter(name__in={row.fields.name for row in located}):
            known[entity.name].append(entity)
        for row in located:
            if not any(_same_definition(entity, row.fields) for entity in known[row.fields.name]):
                problems.append(
                    Problem(
                        row.line,
                        "Entity Name",
                        f"no {row.entity_type.upper() if row.entity_type == 'str' else row.entity_type} named "
                        f"{row.fields.name!r} with these coordinates exists; uploads cannot define new ones",
                    )
                )
    return snapshots


def import_panel_tsv(source: bytes | BinaryIO, user) -> dict:
    """Import a panel TSV as ``user`` (a curator). All or nothing; raises ImportRejected.

    Every panel named gets one new minor version (frozen first) however many rows it has; the rows
    are then applied in file order by one ``EntityBatch`` and written in bulk.
    """
    problems: list[Problem] = []
    rows = [row for line, cells in read_tsv(source, problems) if (row := _parse_row(line, cells, problems)) is not None]
    if not rows and not problems:
        problems.append(Problem(2, "", "The file has a header but no rows."))
    snapshots = _check_against_database(rows, problems) if rows else {}
    if problems:
        raise ImportRejected(sorted_problems(problems))

    touched = list({row.panel_name: snapshots[row.panel_name] for row in rows}.values())
    with transaction.atomic():
        bump_panels(touched, comment="Panel list upload")
        batch = EntityBatch(user, [(snapshots[row.panel_name], row.entity_type, row.fields) for row in rows])
        added = sum(batch.apply(snapshots[row.panel_name], row.entity_type, row.fields, row.flagged) for row in rows)
        batch.save()
        recalculate_stats_of_panels(touched)
    versions = {snapshot.panel_id: snapshot.version for snapshot in touched}
    return {"panels": versions, "added": added, "updated": len(rows) - added, "rows": len(rows)}
