"""The ServiceAccount shared by all pods, and the Secret holding a generated Django key."""

from __future__ import annotations

from typing import Any

from panelapp_operator import names
from panelapp_operator.render.context import RenderInput, child_metadata

IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"


def render_service_account(inp: RenderInput) -> dict[str, Any]:
    account = inp.spec.service_account
    metadata = inp.metadata(inp.service_account_name)
    annotations = dict(account.annotations or {})
    if account.role_arn:
        annotations[IRSA_ANNOTATION] = account.role_arn
    if annotations:
        metadata["annotations"] = annotations
    # Pods do not mount its token (automountServiceAccountToken on the pods); IRSA projects its own.
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata, "automountServiceAccountToken": False}


def render_generated_secret(instance: str, namespace: str, uid: str | None, secret_key: str) -> dict[str, Any]:
    """Created once with a fresh random value and never rewritten: a new key would log every user
    out and invalidate signed data. Created before the configuration is known (its version is
    part of the configuration hash), so it needs only the PanelApp's identity."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": child_metadata(instance, namespace, uid, names.ChildNames(instance).generated_secret),
        "type": "Opaque",
        "stringData": {names.GENERATED_SECRET_KEY_KEY: secret_key},
    }
