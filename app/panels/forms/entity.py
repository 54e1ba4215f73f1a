from django import forms

from accounts.roles import is_curator

from ..names import validator
from ..services.entities import EntityFields
from ..services.reviews import ReviewFields
from ..vocab import (
    ALL_SOURCES,
    CHROMOSOME_CHOICES,
    DOSAGE_SCORE_CHOICES,
    EXPERT_REVIEW_SOURCES,
    MOI_CHOICES,
    MOP_CHOICES,
    PENETRANCE_CHOICES,
    VARIANT_TYPE_CHOICES,
    EntityType,
    GelStatus,
    ReviewRating,
)
from .common import ListField, choice_field

RATING_CHOICES = [("", "No rating")] + list(ReviewRating.choices)
PENETRANCE_FORM_CHOICES = [("", "Not provided")] + PENETRANCE_CHOICES


class _EntityForm(forms.Form):
    """Fields every entity shares; subclasses add their own identity fields."""

    entity_type: str = ""

    sources = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, help_text="Where the evidence comes from."
    )
    moi = forms.ChoiceField(label="Mode of inheritance", choices=MOI_CHOICES, required=False)
    penetrance = forms.ChoiceField(choices=PENETRANCE_FORM_CHOICES, required=False)
    mode_of_pathogenicity = forms.ChoiceField(label="Mode of pathogenicity", choices=MOP_CHOICES, required=False)
    phenotypes = ListField(help_text="Separate phenotypes with semicolons (;).")
    publications = ListField(help_text="PubMed ids or references, separated by semicolons (;).")
    tags = ListField(separators=",;", help_text="Comma-separated, e.g. adult-onset.")
    rating = forms.ChoiceField(label="Your rating", choices=RATING_CHOICES, required=False)
    current_diagnostic = forms.BooleanField(required=False, label="Currently used in diagnostic testing")
    comment = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        curator = is_curator(user)
        choice_field(self, "sources").choices = [
            (s, s) for s in ALL_SOURCES if curator or s not in EXPERT_REVIEW_SOURCES
        ]
        if not curator:
            del self.fields["tags"]
        if editing:
            # The edit form changes the entity; reviews have their own form.
            for name in ("rating", "current_diagnostic", "comment"):
                del self.fields[name]

    def to_fields(self) -> EntityFields:
        data = self.cleaned_data
        return EntityFields(
            sources=list(data.get("sources") or []),
            tags=data.get("tags") or [],
            publications=data.get("publications") or [],
            phenotypes=data.get("phenotypes") or [],
            moi=data.get("moi") or "",
            penetrance=data.get("penetrance") or None,
            mode_of_pathogenicity=data.get("mode_of_pathogenicity") or "",
            rating=data.get("rating") or "",
            current_diagnostic=bool(data.get("current_diagnostic")),
            comment=data.get("comment") or "",
        )

    @staticmethod
    def initial_from(fields: EntityFields) -> dict:
        return {
            "gene": fields.gene_symbol,
            "sources": fields.sources,
            "tags": fields.tags,
            "publications": fields.publications,
            "phenotypes": fields.phenotypes,
            "moi": fields.moi,
            "penetrance": fields.penetrance or "",
            "mode_of_pathogenicity": fields.mode_of_pathogenicity or "",
            "transcript": fields.transcript,
        }


class GeneEntityForm(_EntityForm):
    entity_type = EntityType.GENE

    gene = forms.CharField(
        label="Gene symbol",
        max_length=255,
        widget=forms.TextInput(attrs={"list": "gene-symbols", "autocomplete": "off", "data-autocomplete": "gene"}),
        help_text="The approved HGNC symbol, e.g. BRCA1.",
    )
    transcript = ListField(separators=",;", help_text="Optional, e.g. NM_007294.4.")

    field_order = [
        "gene",
        "sources",
        "rating",
        "moi",
        "penetrance",
        "mode_of_pathogenicity",
        "phenotypes",
        "publications",
        "transcript",
        "tags",
        "current_diagnostic",
        "comment",
    ]

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, editing=editing, **kwargs)
        if editing:
            self.fields["gene"].disabled = True

    def clean_gene(self):
        return self.cleaned_data["gene"].strip()

    def to_fields(self) -> EntityFields:
        fields = super().to_fields()
        fields.gene_symbol = fields.name = self.cleaned_data["gene"]
        fields.transcript = self.cleaned_data.get("transcript") or []
        return fields


class _LocatedEntityForm(_EntityForm):
    name = forms.CharField(max_length=128, validators=[validator("The name")])
    gene = forms.CharField(
        label="Gene symbol (optional)",
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"list": "gene-symbols", "autocomplete": "off", "data-autocomplete": "gene"}),
    )
    chromosome = forms.ChoiceField(choices=[("", "Choose")] + CHROMOSOME_CHOICES)
    position_37_start = forms.IntegerField(label="GRCh37 start", required=False, min_value=1)
    position_37_end = forms.IntegerField(label="GRCh37 end", required=False, min_value=1)
    position_38_start = forms.IntegerField(label="GRCh38 start", min_value=1)
    position_38_end = forms.IntegerField(label="GRCh38 end", min_value=1)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("position_37_start"), cleaned.get("position_37_end")
        if (start is None) != (end is None):
            self.add_error(
                "position_37_end" if start is not None else "position_37_start",
                "Give both GRCh37 positions, or neither.",
            )
        return cleaned

    def to_fields(self) -> EntityFields:
        fields = super().to_fields()
        data = self.cleaned_data
        fields.name = data["name"].strip()
        fields.gene_symbol = (data.get("gene") or "").strip()
        fields.chromosome = data["chromosome"]
        if data.get("position_37_start") is not None and data.get("position_37_end") is not None:
            fields.position_37 = (data["position_37_start"], data["position_37_end"])
        fields.position_38 = (data["position_38_start"], data["position_38_end"])
        return fields

    @staticmethod
    def initial_from(fields: EntityFields) -> dict:
        initial = _EntityForm.initial_from(fields)
        initial.update(
            {
                "name": fields.name,
                "chromosome": fields.chromosome,
                "position_37_start": fields.position_37[0] if fields.position_37 else None,
                "position_37_end": fields.position_37[1] if fields.position_37 else None,
                "position_38_start": fields.position_38[0] if fields.position_38 else None,
                "position_38_end": fields.position_38[1] if fields.position_38 else None,
                "repeated_sequence": fields.repeated_sequence,
                "normal_repeats": fields.normal_repeats,
                "pathogenic_repeats": fields.pathogenic_repeats,
                "verbose_name": fields.verbose_name,
                "haploinsufficiency_score": fields.haploinsufficiency_score,
                "triplosensitivity_score": fields.triplosensitivity_score,
                "required_overlap_percentage": fields.required_overlap_percentage,
                "type_of_variants": fields.type_of_variants,
            }
        )
        return initial


class STREntityForm(_LocatedEntityForm):
    entity_type = EntityType.STR

    repeated_sequence = forms.CharField(max_length=128, help_text="e.g. CAG")
    normal_repeats = forms.IntegerField(min_value=0, help_text="Maximum normal number of repeats.")
    pathogenic_repeats = forms.IntegerField(
        min_value=0, help_text="Minimum fully penetrant pathogenic number of repeats."
    )

    field_order = [
        "name",
        "gene",
        "chromosome",
        "position_37_start",
        "position_37_end",
        "position_38_start",
        "position_38_end",
        "repeated_sequence",
        "normal_repeats",
        "pathogenic_repeats",
    ]

    def to_fields(self) -> EntityFields:
        fields = super().to_fields()
        fields.repeated_sequence = self.cleaned_data["repeated_sequence"]
        fields.normal_repeats = self.cleaned_data["normal_repeats"]
        fields.pathogenic_repeats = self.cleaned_data["pathogenic_repeats"]
        return fields


class RegionEntityForm(_LocatedEntityForm):
    entity_type = EntityType.REGION

    verbose_name = forms.CharField(max_length=256, required=False, label="Region name")
    haploinsufficiency_score = forms.ChoiceField(choices=DOSAGE_SCORE_CHOICES, required=False)
    triplosensitivity_score = forms.ChoiceField(choices=DOSAGE_SCORE_CHOICES, required=False)
    required_overlap_percentage = forms.IntegerField(min_value=0, max_value=100, initial=0)
    type_of_variants = forms.ChoiceField(choices=VARIANT_TYPE_CHOICES, initial="small")

    field_order = [
        "name",
        "verbose_name",
        "gene",
        "chromosome",
        "position_37_start",
        "position_37_end",
        "position_38_start",
        "position_38_end",
        "type_of_variants",
        "haploinsufficiency_score",
        "triplosensitivity_score",
        "required_overlap_percentage",
    ]

    def to_fields(self) -> EntityFields:
        fields = super().to_fields()
        data = self.cleaned_data
        fields.verbose_name = data.get("verbose_name") or ""
        fields.haploinsufficiency_score = data.get("haploinsufficiency_score") or ""
        fields.triplosensitivity_score = data.get("triplosensitivity_score") or ""
        fields.required_overlap_percentage = data.get("required_overlap_percentage")
        fields.type_of_variants = data.get("type_of_variants") or "small"
        return fields


ENTITY_FORMS = {EntityType.GENE: GeneEntityForm, EntityType.STR: STREntityForm, EntityType.REGION: RegionEntityForm}


class ReviewForm(forms.Form):
    rating = forms.ChoiceField(label="Rating", choices=RATING_CHOICES, required=False)
    moi = forms.ChoiceField(label="Mode of inheritance", choices=MOI_CHOICES, required=False)
    mode_of_pathogenicity = forms.ChoiceField(label="Mode of pathogenicity", choices=MOP_CHOICES, required=False)
    phenotypes = ListField(help_text="Separate phenotypes with semicolons (;).")
    publications = ListField(help_text="Separate publications with semicolons (;).")
    current_diagnostic = forms.BooleanField(required=False, label="Currently used in diagnostic testing")
    clinically_relevant = forms.BooleanField(
        required=False, label="Interruptions in the repeated sequence are clinically relevant"
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, entity_type: str = EntityType.GENE, **kwargs):
        super().__init__(*args, **kwargs)
        if entity_type != EntityType.STR:
            del self.fields["clinically_relevant"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not any(
            cleaned.get(k) for k in ("rating", "moi", "mode_of_pathogenicity", "phenotypes", "publications", "comment")
        ):
            raise forms.ValidationError("Give a rating or a comment (or both).")
        return cleaned

    def to_fields(self) -> ReviewFields:
        data = self.cleaned_data
        return ReviewFields(
            rating=data.get("rating") or "",
            moi=data.get("moi") or "",
            mode_of_pathogenicity=data.get("mode_of_pathogenicity") or "",
            phenotypes=data.get("phenotypes") or [],
            publications=data.get("publications") or [],
            current_diagnostic=bool(data.get("current_diagnostic")),
            clinically_relevant=data.get("clinically_relevant") if "clinically_relevant" in self.fields else None,
            comment=data.get("comment") or "",
        )

    @staticmethod
    def initial_from(evaluation) -> dict:
        if evaluation is None:
            return {}
        return {
            "rating": evaluation.rating,
            "moi": evaluation.moi,
            "mode_of_pathogenicity": evaluation.mode_of_pathogenicity,
            "phenotypes": evaluation.phenotypes or [],
            "publications": evaluation.publications or [],
            "current_diagnostic": evaluation.current_diagnostic,
            "clinically_relevant": evaluation.clinically_relevant,
        }


# --- curator feedback (one field at a time) ---------------------------------------------------

COMMENT = forms.CharField(label="Comment (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RatingForm(forms.Form):
    status = forms.TypedChoiceField(
        label="Rating",
        coerce=int,
        choices=[
            (GelStatus.GREEN, "Green List (high evidence)"),
            (GelStatus.AMBER, "Amber List (moderate evidence)"),
            (GelStatus.RED, "Red List (low evidence)"),
            (GelStatus.NO_LIST, "No List (delete)"),
        ],
    )
    comment = COMMENT


class MOIForm(forms.Form):
    moi = forms.ChoiceField(label="Mode of inheritance", choices=MOI_CHOICES[1:])
    comment = COMMENT


class MOPForm(forms.Form):
    mode_of_pathogenicity = forms.ChoiceField(label="Mode of pathogenicity", choices=MOP_CHOICES, required=False)
    comment = COMMENT


class PhenotypesForm(forms.Form):
    phenotypes = ListField(help_text="Separate phenotypes with semicolons (;).")
    comment = COMMENT


class PublicationsForm(forms.Form):
    publications = ListField(help_text="Separate publications with semicolons (;).")
    comment = COMMENT


class TagsForm(forms.Form):
    tags = ListField(separators=",;", help_text="Comma-separated.")


class ReadyForm(forms.Form):
    comment = COMMENT
