from django import forms

from ..models import GenePanelSnapshot, HistoricalSnapshot, PanelType
from ..names import validator
from ..services.panels import PanelFields
from ..vocab import PanelStatus
from .common import ListField, choice_field


class PanelForm(forms.Form):
    """The curator's panel form (create and edit)."""

    name = forms.CharField(label="Panel name", max_length=255, validators=[validator("A panel name", slash=True)])
    level2 = forms.CharField(label="Disease group (level 2)", max_length=255, required=False)
    level3 = forms.CharField(label="Disease sub-group (level 3)", max_length=255, required=False)
    description = forms.CharField(widget=forms.Textarea, required=False)
    omim = ListField(label="OMIM", separators=",", help_text="Comma-separated.")
    orphanet = ListField(label="Orphanet", separators=",", help_text="Comma-separated.")
    hpo = ListField(label="HPO", separators=",", help_text="Comma-separated.")
    relevant_disorders = ListField(separators=",", help_text="Comma-separated, e.g. test directory codes such as R45.")
    types = forms.MultipleChoiceField(label="Panel types", required=False, widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(choices=PanelStatus.choices, initial=PanelStatus.INTERNAL)
    child_panels = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        help_text="Choosing child panels makes this a super panel: its entities are theirs.",
    )
    signed_off_version = forms.ChoiceField(label="Signed-off version", required=False)
    signed_off_date = forms.DateField(
        label="Signed-off date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, snapshot: GenePanelSnapshot | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.snapshot = snapshot
        choice_field(self, "types").choices = [(t.slug, t.name) for t in PanelType.objects.all()]
        children = (
            GenePanelSnapshot.objects.select_related("level4title", "panel")
            .exclude(panel__status__in=[PanelStatus.DELETED, PanelStatus.RETIRED])
            .filter(child_panels__isnull=True)
            .order_by("level4title__name")
        )
        if snapshot is not None:
            children = children.exclude(pk=snapshot.pk)
        choice_field(self, "child_panels").choices = [
            (c.panel_id, f"{c.level4title.name} (v{c.version})") for c in children
        ]
        versions = [("", "Not signed off")]
        if snapshot is not None:
            versions.append((snapshot.version, f"{snapshot.version} (current)"))
            versions += [
                (h.version, h.version)
                for h in HistoricalSnapshot.objects.filter(panel_id=snapshot.panel_id).only(
                    "major_version", "minor_version"
                )
            ]
        else:
            del self.fields["signed_off_version"]
            del self.fields["signed_off_date"]
        if "signed_off_version" in self.fields:
            choice_field(self, "signed_off_version").choices = versions

    @classmethod
    def initial_for(cls, snapshot: GenePanelSnapshot) -> dict:
        fields = PanelFields.from_snapshot(snapshot)
        return {
            "name": fields.name,
            "level2": fields.level2,
            "level3": fields.level3,
            "description": fields.description,
            "omim": fields.omim,
            "orphanet": fields.orphanet,
            "hpo": fields.hpo,
            "relevant_disorders": fields.relevant_disorders,
            "types": fields.type_slugs,
            "status": fields.status,
            "child_panels": fields.child_panel_ids,
            "signed_off_version": fields.signed_off_version,
            "signed_off_date": fields.signed_off_date,
        }

    def to_fields(self) -> PanelFields:
        data = self.cleaned_data
        return PanelFields(
            name=data["name"],
            level2=data["level2"],
            level3=data["level3"],
            description=data["description"],
            omim=data["omim"],
            orphanet=data["orphanet"],
            hpo=data["hpo"],
            relevant_disorders=data["relevant_disorders"],
            type_slugs=list(data["types"]),
            status=data["status"],
            child_panel_ids=list(data["child_panels"]),
            signed_off_version=data.get("signed_off_version") or "",
            signed_off_date=data.get("signed_off_date"),
        )


class PromoteForm(forms.Form):
    version_comment = forms.CharField(
        label="Comment for the new major version",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required: say what changed. It is shown with the panel's major version comments.",
    )


class PanelStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s, s) for s in ("public", "internal", "deleted")])


__all__ = ["PanelForm", "PromoteForm", "PanelStatusForm"]
