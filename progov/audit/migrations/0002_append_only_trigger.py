"""On PostgreSQL, refuse UPDATE and DELETE on the audit table at the database itself."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION progov_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION progov_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS progov_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Never silently: refused while the table holds entries (docs/audit.md).
        from progov.audit.protection import refuse_to_remove

        refuse_to_remove(
            schema_editor,
            triggers={"audit_auditentry_append_only"},
            what="drop the append-only trigger (migration audit 0002)",
        )
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
