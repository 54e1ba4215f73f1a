"""kopf wiring only: watch PanelApps and the children, hand every event to the controller.

Every handler is a one-liner into controller.py; the controller queues the PanelApp and the one
reconcile (reconcile.py) does the work. Only `@kopf.on.event` handlers are used: they store no
progress, diff-base or finalizer on the objects (see controller.py for why that matters).
"""

from __future__ import annotations

import logging
from typing import Any

import kopf

from panelapp_operator import kinds, names
from panelapp_operator import spec as api
from panelapp_operator.controller import Controller
from panelapp_operator.kinds import Kind


def build_settings(*, request_timeout: float = 60.0) -> kopf.OperatorSettings:
    settings = kopf.OperatorSettings()
    # The operator posts its own Events (derived from status transitions); kopf posts none.
    settings.posting.enabled = False
    # Children are watched server-side filtered: only objects this operator manages reach it.
    for kind in kinds.WATCHED_KINDS:
        settings.watching.label_selectors[kind.group, kind.version, kind.plural] = _selector(kind)
    settings.networking.request_timeout = request_timeout
    # Detect silently dead watch streams (cloud load balancers) and reconnect.
    settings.watching.inactivity_timeout = 70.0
    return settings


def build_registry(controller: Controller) -> kopf.OperatorRegistry:
    registry = kopf.OperatorRegistry()

    @kopf.on.login(registry=registry)
    def login(**kwargs: Any) -> kopf.ConnectionInfo | None:
        # The same credentials kube.py uses: in-cluster first, then the kubeconfig.
        return kopf.login_via_client(**kwargs)

    @kopf.on.event(api.GROUP, api.VERSION, api.PLURAL, registry=registry)
    async def panelapp_event(event: kopf.RawEvent, type: str | None, **_: Any) -> None:
        controller.on_panelapp(type, event["object"])

    @kopf.on.event(
        kinds.PANELAPP_TASK.group, kinds.PANELAPP_TASK.version, kinds.PANELAPP_TASK.plural, registry=registry
    )
    async def task_event(event: kopf.RawEvent, type: str | None, **_: Any) -> None:
        controller.on_task(type, event["object"])

    for kind in kinds.WATCHED_KINDS:
        _register_child(registry, controller, kind)

    @kopf.on.startup(registry=registry)
    async def start_controller(**_: Any) -> None:
        controller.start()

    @kopf.on.cleanup(registry=registry)
    async def stop_controller(**_: Any) -> None:
        controller.stop()

    @kopf.on.probe(id="controller", registry=registry)
    async def report(**_: Any) -> dict[str, Any]:
        if not controller.alive():
            raise kopf.PermanentError("a reconcile worker thread has stopped")
        return controller.stats()

    return registry


def _selector(kind: Kind) -> str:
    return names.JOB_POD_SELECTOR if kind == kinds.POD else names.MANAGED_SELECTOR


def _register_child(registry: kopf.OperatorRegistry, controller: Controller, kind: Kind) -> None:
    # Client-side label filter as well: the server-side selector is a setting that could be changed.
    @kopf.on.event(
        kind.group,
        kind.version,
        kind.plural,
        id=f"child-{kind.plural}",
        labels={names.LABEL_MANAGED_BY: names.MANAGED_BY},
        registry=registry,
    )
    async def child_event(event: kopf.RawEvent, type: str | None, **_: Any) -> None:
        controller.on_child(kind, type, event["object"])


def quiet_kopf_loggers() -> None:
    """Keep the operator's own log readable: kopf logs handled events and every liveness probe
    (through aiohttp's access log) at INFO."""
    for name in ("kopf.objects", "kopf.activities.probe", "aiohttp.access"):
        logging.getLogger(name).setLevel(logging.WARNING)
