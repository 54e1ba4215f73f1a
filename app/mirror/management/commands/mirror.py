"""``panelapp-manage mirror --from URL``: copy another PanelApp's public panels into this one."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mirror.client import MirrorError
from mirror.services import mirror


class Command(BaseCommand):
    help = (
        "Copy the public panels of another PanelApp (its API v1) into this one, with their ids, versions, "
        "entities, reviews and signed-off versions; later runs fetch only the panels that changed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--from", dest="source", required=True, help="the source PanelApp's base URL")
        parser.add_argument("--full", action="store_true", help="fetch every panel again, changed or not")
        parser.add_argument("--timeout", type=float, default=None, help="seconds per request (MIRROR_TIMEOUT)")
        parser.add_argument("--retries", type=int, default=None, help="retries per request (MIRROR_RETRIES)")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(
        self, *args: Any, source: str, full: bool, timeout: float | None, retries: int | None, **options: Any
    ) -> None:
        try:
            result = mirror(
                source,
                full=full,
                timeout=timeout if timeout is not None else settings.MIRROR_TIMEOUT,
                retries=retries if retries is not None else settings.MIRROR_RETRIES,
            )
        except MirrorError as error:
            raise CommandError(f"Mirroring failed, nothing was changed: {error}") from None
        self.stdout.write(_json(result.summary()) if options.get("json") else result.describe())


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True)
