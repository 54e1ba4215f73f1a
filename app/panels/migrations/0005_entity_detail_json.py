"""Each entity keeps its part of the panel's API detail, written by PostgreSQL (panels.detail_sql).

On PostgreSQL only (the embedded SQLite build keeps building the detail in Python). The column is
invisible to the ORM on purpose: no Django write can carry an old copy of it. Triggers make any
change it depends on forget it, whatever makes the change (the services, the Django admin, bulk
SQL, a restore script):

* an UPDATE of the entity row, unless it is the fill itself (``panelapp.entity_json_fill`` on);
* an INSERT, UPDATE or DELETE of the entity's sources or tags (its M2M rows);
* an UPDATE of a source (its name and age order the list) or of a tag (its name).

A forgotten (NULL) copy is built by the query that reads it, and stored again by the writer's
refresh after its change commits (panels.answers.refresh -> detail_sql.fill).
"""

from django.db import migrations

#: (entity table, M2M tables with their entity column) as they are at this migration.
ENTITIES = [
    ("gene", "panels_genepanelentrysnapshot", "genepanelentrysnapshot_id"),
    ("str", "panels_str", "str_id"),
    ("region", "panels_region", "region_id"),
]
COLUMN = "detail_json"


def _forget(table: str) -> str:
    """Forget the copies of the entities ``ids``. Those already forgotten are only locked, not
    rewritten (a bulk upload links thousands of new entities): a refresh about to store one waits
    for this change to commit, and then sees it (panels.detail_sql.fill locks before it reads).
    The lock comes first: the UPDATE's own snapshot, taken after any refresh it waited for had
    committed, then sees and forgets what that refresh stored. ``= ANY(ids)`` keeps both on the
    primary key's index."""
    return (
        f"PERFORM 1 FROM {table} WHERE id = ANY(ids) AND {COLUMN} IS NULL FOR UPDATE;\n"
        f"                    UPDATE {table} SET {COLUMN} = NULL WHERE id = ANY(ids) AND {COLUMN} IS NOT NULL;"
    )


def _statements() -> tuple[list[str], list[str]]:
    forward = [
        # Forget the copy on any update that is not the fill's.
        f"""CREATE FUNCTION panelapp_entity_json_forget() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('panelapp.entity_json_fill', true) IS DISTINCT FROM 'on' THEN
                NEW.{COLUMN} := NULL;
            END IF;
            RETURN NEW;
        END $$""",
    ]
    backward = ["DROP FUNCTION IF EXISTS panelapp_entity_json_forget() CASCADE"]
    for kind, table, entity_column in ENTITIES:
        forward += [
            f"ALTER TABLE {table} ADD COLUMN {COLUMN} text NULL",
            f"CREATE TRIGGER panelapp_json_forget BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION panelapp_entity_json_forget()",
        ]
        backward.insert(0, f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}")
        for name, target, target_column in (
            ("evidence", "panels_evidence", "evidence_id"),
            ("tags", "panels_tag", "tag_id"),
        ):
            link = f"{table}_{name}"
            function = f"panelapp_json_forget_{kind}_{name}"
            forward.append(
                f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    ids bigint[];
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        ids := ARRAY(SELECT DISTINCT {entity_column} FROM changed_new);
                    ELSIF TG_OP = 'DELETE' THEN
                        ids := ARRAY(SELECT DISTINCT {entity_column} FROM changed_old);
                    ELSE
                        ids := ARRAY(SELECT {entity_column} FROM changed_new UNION SELECT {entity_column} FROM changed_old);
                    END IF;
                    {_forget(table)}
                    RETURN NULL;
                END $$"""
            )
            # A trigger with transition tables has one event; statement-level, so a bulk insert of
            # thousands of links costs two statements.
            forward += [
                f"CREATE TRIGGER panelapp_json_insert AFTER INSERT ON {link} REFERENCING NEW TABLE AS changed_new "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
                f"CREATE TRIGGER panelapp_json_update AFTER UPDATE ON {link} "
                f"REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
                f"CREATE TRIGGER panelapp_json_delete AFTER DELETE ON {link} REFERENCING OLD TABLE AS changed_old "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            ]
            backward.insert(0, f"DROP FUNCTION IF EXISTS {function}() CASCADE")
            target_function = f"panelapp_json_forget_{kind}_by_{name}"
            forward += [
                f"""CREATE FUNCTION {target_function}() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    ids bigint[];
                BEGIN
                    ids := ARRAY(SELECT DISTINCT {entity_column} FROM {link}
                                 WHERE {target_column} = ANY(ARRAY(SELECT id FROM changed_new)));
                    {_forget(table)}
                    RETURN NULL;
                END $$""",
                f"CREATE TRIGGER panelapp_json_{kind} AFTER UPDATE ON {target} "
                f"REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION {target_function}()",
            ]
            backward.insert(0, f"DROP FUNCTION IF EXISTS {target_function}() CASCADE")
    return forward, backward


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in _statements()[0]:
            schema_editor.execute(statement)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in _statements()[1]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("panels", "0004_ordered_json_and_long_tags"),
    ]

    operations = [migrations.RunPython(add, remove)]
