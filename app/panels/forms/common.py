from django import forms
from django.core.exceptions import ValidationError


def split(text: str | None, separators: str = ";") -> list[str]:
    """Split on any of ``separators`` and drop blanks: ``"a; b;;c"`` -> ``["a", "b", "c"]``."""
    items = [text or ""]
    for separator in separators:
        items = [part for item in items for part in item.split(separator)]
    return [item.strip() for item in items if item.strip()]


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field ``name``, a choice field whose choices are set when the form is made."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field


class ListField(forms.CharField):
    """A text box holding a list, e.g. phenotypes separated by semicolons."""

    def __init__(self, *args, separators: str = ";", **kwargs):
        self.separators = separators
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return f"{self.separators[0]} ".join(value)
        return value

    def to_python(self, value):
        return split(super().to_python(value), self.separators)


def apply_service_errors(form: forms.Form, error: ValidationError, field_map: dict | None = None) -> None:
    """Put a service's ValidationError next to the form fields it names."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        name = field_map.get(key, key)
        form.add_error(name if name in form.fields else None, messages)
