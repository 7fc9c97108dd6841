"""Refuse UPDATE and DELETE of audit entries on SQLite too, and TRUNCATE on PostgreSQL.

SQLite: BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT). PostgreSQL: the row
trigger of 0002 is re-created ENABLE ALWAYS, and a statement-level BEFORE TRUNCATE
trigger joins it (progov/audit/protection.py has the SQL).

The reverse works on an empty table (`scripts/check` migrates to zero and back) and
refuses while the table holds entries and the triggers are there: dropping the protection
of a trail is done deliberately, by hand (docs/audit.md, "Removing the protection").
"""

from django.db import migrations

TRUNCATE_TRIGGER = "audit_auditentry_no_truncate"
ROW_TRIGGER = "audit_auditentry_append_only"


def protect(apps, schema_editor):
    from progov.audit.protection import install

    install(schema_editor.connection)


def unprotect(apps, schema_editor):
    from progov.audit import protection

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        protection.refuse_to_remove(
            schema_editor,
            triggers={TRUNCATE_TRIGGER},
            what="drop the audit table's TRUNCATE trigger (migration audit 0004)",
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON audit_auditentry")
        if ROW_TRIGGER in protection.installed_names(connection):
            # Back to 0002's row trigger, which fires in the default (origin) mode.
            schema_editor.execute(f"ALTER TABLE audit_auditentry ENABLE TRIGGER {ROW_TRIGGER}")
    elif connection.vendor == "sqlite":
        protection.refuse_to_remove(
            schema_editor,
            triggers=set(protection.SQLITE_TRIGGERS),
            what="drop the audit table's UPDATE and DELETE triggers (migration audit 0004)",
        )
        protection.remove(connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_seal_under_audit_key")]
    operations = [migrations.RunPython(protect, unprotect)]
