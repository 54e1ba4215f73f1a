"""Serializers of API v1.

They declare every key and type for the OpenAPI schema, and delegate the output itself to
``panels.representation``, which also writes the frozen JSON of historical versions: one
definition of each shape, used live and for history alike.
"""

from __future__ import annotations

from typing import Any, NoReturn

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from panels import representation
from panels.vocab import DOSAGE_SCORE_VALUES, VARIANT_TYPE_VALUES, PanelStatus, ReviewRating

DOSAGE_SCORES = sorted(DOSAGE_SCORE_VALUES)


class _Delegating(serializers.Serializer[Any]):
    """Read-only serializer whose output comes from a ``panels.representation`` builder."""

    def create(self, validated_data: Any) -> NoReturn:  # pragma: no cover - the API is read-only
        raise NotImplementedError

    def update(self, instance: Any, validated_data: Any) -> NoReturn:  # pragma: no cover
        raise NotImplementedError


class PanelTypeSerializer(_Delegating):
    name = serializers.CharField()
    slug = serializers.SlugField()
    description = serializers.CharField()


class PanelStatsSerializer(_Delegating):
    number_of_genes = serializers.IntegerField(required=False)
    number_of_strs = serializers.IntegerField(required=False)
    number_of_regions = serializers.IntegerField(required=False)


class PanelSerializer(_Delegating):
    id = serializers.IntegerField(help_text="The panel id, stable across versions.")
    hash_id = serializers.CharField(allow_null=True, help_text="Legacy PanelApp v1 id (24 hex digits).")
    name = serializers.CharField()
    disease_group = serializers.CharField(allow_blank=True, help_text="Level 2 title.")
    disease_sub_group = serializers.CharField(allow_blank=True, help_text="Level 3 title.")
    description = serializers.CharField(allow_blank=True, help_text="The panel's description.")
    status = serializers.ChoiceField(choices=PanelStatus.values)
    version = serializers.CharField(help_text='"major.minor"; compare as a pair of integers, never as a float.')
    version_created = serializers.DateTimeField(help_text="When this version was made.")
    relevant_disorders = serializers.ListField(child=serializers.CharField())
    stats = PanelStatsSerializer()
    types = PanelTypeSerializer(many=True, help_text="In the panel's own order.")
    child_panel_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="The ids of a super panel's child panels ([] for other panels)."
    )

    def to_representation(self, instance: Any) -> Any:
        cache = self.context.get("panels")
        return cache(instance) if cache else representation.panel_dict(instance)


class _EntityBase(_Delegating):
    gene_data = serializers.JSONField(
        allow_null=True, help_text="Copy of the gene record when the entity was last updated."
    )
    entity_name = serializers.CharField()
    confidence_level = serializers.ChoiceField(
        choices=["0", "1", "2", "3", "4"], help_text="A string: 3 green, 2 amber, 1 red, 0 none."
    )
    penetrance = serializers.CharField(allow_null=True)
    publications = serializers.ListField(child=serializers.CharField(), allow_null=True)
    evidence = serializers.ListField(child=serializers.CharField(), help_text="Source names, newest first.")
    phenotypes = serializers.ListField(child=serializers.CharField())
    mode_of_inheritance = serializers.CharField(allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField())
    panel = PanelSerializer(
        required=False, help_text="The panel the entity belongs to (not in a normal panel's detail)."
    )

    def to_representation(self, instance: Any) -> Any:
        if isinstance(instance, dict):  # historical JSON is already in shape
            return instance
        panel = None
        if self.context.get("with_panel"):
            panel = self.context["panels"](instance.panel)
        return representation.entity_dict(instance, panel)


class GeneEntitySerializer(_EntityBase):
    entity_type = serializers.ChoiceField(choices=["gene"])
    mode_of_pathogenicity = serializers.CharField(allow_null=True, allow_blank=True)
    transcript = serializers.ListField(child=serializers.CharField(), allow_null=True)


class _Located(_EntityBase):
    chromosome = serializers.CharField()
    grch37_coordinates = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, min_length=2, max_length=2
    )
    grch38_coordinates = serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2)


class STREntitySerializer(_Located):
    entity_type = serializers.ChoiceField(choices=["str"])
    repeated_sequence = serializers.CharField()
    normal_repeats = serializers.IntegerField()
    pathogenic_repeats = serializers.IntegerField()


class RegionEntitySerializer(_Located):
    entity_type = serializers.ChoiceField(choices=["region"])
    verbose_name = serializers.CharField(allow_null=True)
    mode_of_pathogenicity = serializers.CharField(allow_null=True, allow_blank=True)
    haploinsufficiency_score = serializers.ChoiceField(choices=DOSAGE_SCORES, allow_null=True)
    triplosensitivity_score = serializers.ChoiceField(choices=DOSAGE_SCORES, allow_null=True)
    required_overlap_percentage = serializers.IntegerField()
    type_of_variants = serializers.ChoiceField(choices=sorted(VARIANT_TYPE_VALUES))


class EntitySerializer(GeneEntitySerializer):
    """Any entity (``/entities/``): each item has its own type's keys (see ENTITY_SCHEMA)."""

    entity_type = serializers.ChoiceField(choices=["gene", "str", "region"])


def entity_schema(many: bool = False) -> PolymorphicProxySerializer:
    """What ``/entities/`` items are in the schema: one of the three shapes, by ``entity_type``
    (an STR carries no ``mode_of_pathogenicity`` or ``transcript``, a region no ``transcript``)."""
    return PolymorphicProxySerializer(
        component_name="Entity",
        serializers={"gene": GeneEntitySerializer, "str": STREntitySerializer, "region": RegionEntitySerializer},
        resource_type_field_name="entity_type",
        many=many,
    )


class PanelDetailSerializer(PanelSerializer):
    genes = GeneEntitySerializer(many=True, required=False)
    strs = STREntitySerializer(many=True, required=False)
    regions = RegionEntitySerializer(many=True, required=False)
    signed_off = serializers.DateField(allow_null=True, required=False, help_text="Only on historical versions.")

    def to_representation(self, instance: Any) -> Any:
        return instance  # built by the view: live or historical


class CommentSerializer(_Delegating):
    comment = serializers.CharField()
    user_name = serializers.CharField(allow_null=True, help_text="The reviewer's full name.")
    created = serializers.DateTimeField()


class EvaluationSerializer(_Delegating):
    created = serializers.DateTimeField()
    rating = serializers.ChoiceField(choices=["", *ReviewRating.values])
    mode_of_pathogenicity = serializers.CharField(allow_null=True, allow_blank=True)
    publications = serializers.ListField(child=serializers.CharField(), allow_null=True)
    phenotypes = serializers.ListField(child=serializers.CharField(), allow_null=True)
    moi = serializers.CharField(allow_null=True, allow_blank=True)
    current_diagnostic = serializers.BooleanField()
    clinically_relevant = serializers.BooleanField(allow_null=True)
    comments = CommentSerializer(
        many=True, required=False, help_text="Only with `include_comments=true`: the review's comments, newest first."
    )

    def to_representation(self, instance: Any) -> Any:
        return representation.evaluation_dict(instance, with_comments=bool(self.context.get("include_comments")))


class ActivitySerializer(_Delegating):
    created = serializers.DateTimeField()
    panel_name = serializers.CharField(allow_null=True)
    panel_id = serializers.IntegerField(allow_null=True)
    panel_version = serializers.CharField(allow_null=True)
    user_name = serializers.CharField(allow_null=True)
    item_type = serializers.ChoiceField(choices=["panel", "entity"])
    text = serializers.CharField()
    entity_name = serializers.CharField(allow_null=True)
    entity_type = serializers.CharField(allow_null=True)

    def to_representation(self, instance: Any) -> Any:
        return representation.activity_dict(instance)


class SignedOffPanelSerializer(PanelSerializer):
    signed_off = serializers.DateField()

    def to_representation(self, instance: Any) -> Any:
        return instance  # built from the stored snapshot by the view
