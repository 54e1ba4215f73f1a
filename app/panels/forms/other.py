from django import forms

from ..versions import InvalidVersion, Version
from ..vocab import EntityType


class ActivityFilterForm(forms.Form):
    panel = forms.CharField(required=False, label="Panel", help_text="Name or id")
    version = forms.CharField(required=False, max_length=20)
    entity = forms.CharField(required=False, label="Gene or entity")
    entity_type = forms.ChoiceField(required=False, choices=[("", "Any")] + list(EntityType.choices), label="Type")
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        version = (cleaned.get("version") or "").strip()
        if version:
            try:
                cleaned["version"] = str(Version.parse(version))
            except InvalidVersion as exc:
                self.add_error("version", str(exc))
        return cleaned


MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField()

    def __init__(self, *args, extensions: tuple[str, ...] = (".tsv", ".txt"), **kwargs):
        super().__init__(*args, **kwargs)
        self.extensions = extensions
        self.fields["file"].widget.attrs["accept"] = ",".join(extensions)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(self.extensions):
            raise forms.ValidationError(f"Choose a {' or '.join(self.extensions)} file.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB.")
        return upload
