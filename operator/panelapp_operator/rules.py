"""Cross-field rules, written once and enforced twice.

Each rule carries a CEL expression (emitted into the CRD so that `kubectl apply` refuses bad input)
and a Python predicate over the same model (run by pydantic, so the operator, `render` and objects
stored before the CRD had the rule all get the same answer). Keeping both in one object is what
keeps them from drifting apart; the unit tests check every rule on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_camel

# Kubernetes API conventions keep acronyms in one case inside a field name (clusterIP, podIPs).
_ACRONYMS = re.compile(r"(?<=[a-z0-9])(Url|Arn|Id|Tls|Acl|Cpu)(?=[A-Z]|$)")


def json_name(python_name: str) -> str:
    """The JSON (wire) name of a field: camelCase with upper-case acronyms, e.g. base_url -> baseURL."""
    return _ACRONYMS.sub(lambda m: m.group(1).upper(), to_camel(python_name))


@dataclass(frozen=True)
class Rule:
    """A cross-field rule of one model.

    `cel` is evaluated by the API server with `self` bound to the model's object; `holds` is the
    same rule in Python over the pydantic instance. `field` is the offending field relative to the
    model (e.g. ".urlSecretRef"), so both the API server and the operator name it in the message.
    """

    cel: str
    message: str
    holds: Callable[[Any], bool]
    field: str = ""

    def to_crd(self) -> dict[str, str]:
        rule = {"rule": self.cel, "message": self.message}
        if self.field:
            rule["fieldPath"] = self.field
        return rule


class CrossFieldRuleError(ValueError):
    """Raised by a model whose rule does not hold; carries the field the rule names."""

    def __init__(self, field: str, message: str):
        self.field = field.lstrip(".")
        super().__init__(message)


def _add_rules_to_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    rules = getattr(model, "__rules__", ())
    if rules:
        schema["x-kubernetes-validations"] = [rule.to_crd() for rule in rules]


class SpecModel(BaseModel):
    """Base of every spec model: camelCase on the wire, unknown fields refused, rules enforced."""

    model_config = ConfigDict(
        alias_generator=json_name,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        json_schema_extra=_add_rules_to_schema,
    )

    # Subclasses list their cross-field rules here; crd.py emits them as x-kubernetes-validations.
    __rules__: ClassVar[tuple[Rule, ...]] = ()

    @model_validator(mode="after")
    def _check_cross_field_rules(self) -> Self:
        for rule in type(self).__rules__:
            if not rule.holds(self):
                # Pydantic reports the model's location; we prefix the field the rule names so the
                # final message reads "spec.database.urlSecretRef: ...".
                raise CrossFieldRuleError(rule.field, rule.message)
        return self
