"""On PostgreSQL, refuse UPDATE and DELETE on the journal at the database level too.

TRUNCATE is left alone (test database flushes, and a deliberate administrative purge).
SQLite relies on the model and queryset guards: its flush uses DELETE, which a trigger would
block for the test suite.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION journal_evenement_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Le journal est en ajout seul : % refusé sur journal_evenement', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_evenement_append_only
    BEFORE UPDATE OR DELETE ON journal_evenement
    FOR EACH ROW EXECUTE FUNCTION journal_evenement_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS journal_evenement_append_only ON journal_evenement;
DROP FUNCTION IF EXISTS journal_evenement_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
