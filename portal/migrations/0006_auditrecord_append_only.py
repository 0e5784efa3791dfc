"""Audit records are append-only (docs/security.md 9): a trigger refuses every UPDATE and DELETE of a row.

The trigger guards the application's own database role; a role that owns the table can still drop it, so production
runs the portal under a role that does not own its tables' DDL (see the README's security section).
"""

from django.db import migrations

TABLE = "portal_auditrecord"
MESSAGE = "audit records are append-only"

FORBID = {
    "postgresql": [
        f"""
        CREATE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END
        $$
        """,
        f"""
        CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()
        """,
    ],
    "sqlite": [
        f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ],
}
ALLOW = {
    "postgresql": [
        f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
        f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
    ],
    "sqlite": [
        f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
        f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
    ],
}


def _execute(statements: dict[str, list[str]], schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        # Fail the migration rather than run without the guard an assessor checks.
        raise NotImplementedError(f"No append-only trigger for {vendor}: add its SQL to this migration.")
    for sql in statements[vendor]:
        schema_editor.execute(sql, params=None)  # params=None: the driver must not read "$$" or "%" as placeholders


def forbid_update_and_delete(apps, schema_editor):
    _execute(FORBID, schema_editor)


def allow_update_and_delete(apps, schema_editor):
    _execute(ALLOW, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_auditrecord"),
    ]

    operations = [
        migrations.RunPython(forbid_update_and_delete, allow_update_and_delete),
    ]
