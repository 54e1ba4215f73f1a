from django import forms

from .models import Release


class ReleaseForm(forms.Form):
    name = forms.CharField(label="Release name", max_length=255)
    promotion_comment = forms.CharField(
        label="Promotion comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Written to each promoted panel's version comment. {{ version }} is the version it is "
        "promoted to, {{ now.yyyy_mm_dd_hh_mm }} the time of the deployment.",
    )

    @classmethod
    def of(cls, release: Release) -> "ReleaseForm":
        return cls(initial={"name": release.name, "promotion_comment": release.promotion_comment})


class ImportForm(forms.Form):
    import_file = forms.FileField(
        label="Release panels CSV",
        help_text="Columns Panel ID and Promote (true or false). The file replaces the release's panels.",
    )
