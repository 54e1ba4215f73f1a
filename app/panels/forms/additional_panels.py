"""The add-gene form's "Also add to these panels" (curators)."""

from typing import Any

from django import forms

from .common import choice_field


class AdditionalPanelsForm(forms.Form):
    additional_panels = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="Also add to these panels",
        help_text="Optional. The gene is added to each with the same details; every panel gets its own new version.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "additional_panels").choices = [(str(pk), label) for pk, label in choices]
