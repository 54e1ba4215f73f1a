"""``OrderedJSONField``: JSON kept exactly as it was written.

PostgreSQL's ``jsonb`` (Django's ``JSONField``) stores a parsed form: keys come back sorted by
length, then bytes, whatever order they were written in. The copies PanelApp hands out verbatim
(an entity's ``gene_data``, a frozen version's JSON) must read back in their own key order, on
PostgreSQL as on SQLite (which stores JSON as text). On PostgreSQL these columns are ``json``,
which keeps the text as written; elsewhere they are Django's own JSON column.

``json`` has no equality operator: never ``DISTINCT``, ``GROUP BY`` or compare these columns.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.backends.signals import connection_created


class OrderedJSONField(models.JSONField):
    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if connection.vendor != "postgresql":
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        # As text: Django's own adapter casts to jsonb, which would sort the keys on the way in.
        return json.dumps(value, cls=self.encoder)


def _json_as_text(text: str) -> str:
    return text


def read_json_as_text(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Hand ``json`` values to Django as text, as Django has psycopg2 do for ``jsonb``: the field
    decodes them itself, and the fast read paths (``panels.entity_rows``) write them as stored."""
    if connection.vendor != "postgresql":
        return
    import psycopg2.extras

    psycopg2.extras.register_default_json(conn_or_curs=connection.connection, loads=_json_as_text)


connection_created.connect(read_json_as_text, dispatch_uid="panels.read_json_as_text")
