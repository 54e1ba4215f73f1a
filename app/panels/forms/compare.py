"""The compare form: the two panels to compare."""

from typing import Any

from django import forms

from .common import choice_field


class ComparePanelsForm(forms.Form):
    panel_1 = forms.TypedChoiceField(coerce=int, label="First panel")
    panel_2 = forms.TypedChoiceField(coerce=int, label="Second panel")

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [("", "Choose a panel")] + [(str(pk), label) for pk, label in choices]
        choice_field(self, "panel_1").choices = options
        choice_field(self, "panel_2").choices = options

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("panel_1") is not None and cleaned.get("panel_1") == cleaned.get("panel_2"):
            self.add_error("panel_2", "Choose two different panels.")
        return cleaned
