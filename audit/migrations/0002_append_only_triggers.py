"""The database itself refuses UPDATE and DELETE on the audit log (SQLite and PostgreSQL)."""
from django.db import migrations


def install(apps, schema_editor):
    from audit import triggers

    for sql in triggers.statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)  # None: the '%' in the PL/pgSQL body is no placeholder


def remove(apps, schema_editor):
    from audit import triggers

    for sql in triggers.statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql, params=None)  # None: the '%' in the PL/pgSQL body is no placeholder


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
