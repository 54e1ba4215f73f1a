"""Query-parameter parsing: bad input is a 400 with a JSON message that names the parameter."""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.request import Request

from panels.selectors.entities import MAX_TAGS
from panels.versions import InvalidVersion, Version
from runtime.ids import MAX_ID, parse_id

TRUE_VALUES = {"true", "True", "TRUE", "1", "yes"}


class IncorrectVersion(APIException):
    # PanelApp answers a malformed version with HTTP 500 and this body; it is the caller's
    # mistake, so we keep the body and say 400.
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Incorrect version supplied"
    default_code = "incorrect_version"


def comma_list(request: Request, name: str) -> list[str]:
    """``a,b , c`` -> ``["a", "b", "c"]``; absent or blank -> ``[]``."""
    raw = request.query_params.get(name, "")
    return [item.strip() for item in raw.split(",") if item.strip()]


def tags(request: Request) -> list[str]:
    """``tags`` without duplicates; more than MAX_TAGS distinct tags is a 400 naming the limit."""
    values = list(dict.fromkeys(comma_list(request, "tags")))
    if len(values) > MAX_TAGS:
        raise ParseError(f"Query parameter 'tags' accepts at most {MAX_TAGS} tags, got {len(values)}.")
    return values


def version(request: Request) -> Version | None:
    raw = request.query_params.get("version")
    if raw is None or raw == "":
        return None
    try:
        return Version.parse(raw)
    except InvalidVersion:
        raise IncorrectVersion() from None


def integer(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw.strip() == "":
        return None
    value = parse_id(raw.strip())
    if value is None:
        raise ParseError(
            f"Query parameter '{name}' must be a whole number from 0 to {MAX_ID} in digits 0-9, not {raw!r}."
        )
    return value


def choice(request: Request, name: str, choices: tuple[str, ...], default: str) -> str:
    raw = request.query_params.get(name) or default
    if raw not in choices:
        raise ParseError(f"Query parameter '{name}' must be one of {', '.join(choices)}, not {raw!r}.")
    return raw


def confidence_levels(request: Request) -> list[int]:
    """``confidence_level`` as a comma list of 0-4 (4 is legacy green)."""
    values = comma_list(request, "confidence_level")
    levels = []
    for value in values:
        if value not in {"0", "1", "2", "3", "4"}:
            raise ParseError(f"Query parameter 'confidence_level' must be 0, 1, 2 or 3, not {value!r}.")
        levels.append(int(value))
    return levels


def flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "") in TRUE_VALUES
