"""Turning a raw PanelApp spec into a validated model, or into a message that names the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from panelapp_operator import spec as api
from panelapp_operator.rules import CrossFieldRuleError

MAX_ERRORS_SHOWN = 5


def field_path(location: tuple[Any, ...], prefix: str = "spec") -> str:
    path = prefix
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def describe(error: ValidationError, prefix: str = "spec") -> str:
    """ "spec.storage.staticBucket: String should match pattern ...; spec.database.urlSecretRef: ..." """
    parts = []
    for item in error.errors():
        location = tuple(item.get("loc") or ())
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, CrossFieldRuleError):
            location = location + tuple(cause.field.split(".")) if cause.field else location
            message = str(cause)
        elif item.get("type") == "missing":
            message = "required field is missing"
        elif item.get("type") == "extra_forbidden":
            message = "unknown field"
        elif (
            item.get("type") == "string_pattern_mismatch"
            and (item.get("ctx") or {}).get("pattern") in api.PATTERN_MEANINGS
        ):
            message = f"{item.get('input')!r} is not {api.PATTERN_MEANINGS[item['ctx']['pattern']]}"
        else:
            message = item.get("msg") or "invalid"
        parts.append(f"{field_path(location, prefix)}: {message}")
    shown = parts[:MAX_ERRORS_SHOWN]
    if len(parts) > MAX_ERRORS_SHOWN:
        shown.append(f"and {len(parts) - MAX_ERRORS_SHOWN} more")
    return "; ".join(shown)


def parse_spec(raw: Mapping[str, Any] | None) -> api.PanelAppSpec:
    """Validate a spec; raises InvalidSpec with a field-naming message."""
    try:
        return api.PanelAppSpec.model_validate(raw or {})
    except ValidationError as error:
        raise InvalidSpec(describe(error)) from None


def check_name(name: str) -> None:
    if len(name) > api.MAX_NAME_LENGTH:
        raise InvalidSpec(
            f"metadata.name: must be at most {api.MAX_NAME_LENGTH} characters, so that the names of "
            "the migration and collectstatic Jobs fit in 63"
        )


class InvalidSpec(ValueError):
    """The spec cannot be acted on; the message names the offending field."""
