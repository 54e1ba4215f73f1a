"""``bulk_update`` for thousands of rows.

Django's ``QuerySet.bulk_update`` writes one ``CASE WHEN id = ... THEN ...`` per field and row and
resolves each as an expression in Python: for the 7,649 rows of a large upload that takes over a
minute, while PostgreSQL needs a second. On PostgreSQL this writes one ``UPDATE ... FROM (VALUES
...)`` per batch instead; other databases (the embedded SQLite default) keep Django's.
"""

from __future__ import annotations

from django.db import connections

BATCH = 1000


def bulk_update(model, objects, fields: list[str], batch_size: int = BATCH) -> None:
    objects = list(objects)
    if not objects or not fields:
        return
    connection = connections[model.objects.db]
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields, batch_size=batch_size)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    pk = meta.pk
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}::{f.cast_db_type(connection)}" for f in columns)
    names = ", ".join(quote(c) for c in [pk.column, *(f.column for f in columns)])
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            part = objects[start : start + batch_size]
            row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
            params = []
            for obj in part:
                params.append(pk.get_db_prep_value(obj.pk, connection))
                params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns)
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
                f"FROM (VALUES {', '.join([row] * len(part))}) AS v({names}) "
                f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}::{pk.cast_db_type(connection)}",
                params,
            )
