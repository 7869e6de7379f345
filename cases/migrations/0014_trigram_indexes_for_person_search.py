"""Trigram indexes for the person search (`BeneficiaryQuerySet.search`), on PostgreSQL only.

The search matches a part of a name or document number anywhere (`LIKE '%word%'`), which no
B-tree index serves: without these it reads every person (321 ms at a million records). The
pg_trgm extension is in PostgreSQL's contrib package; creating it needs the rights to (see the
README). SQLite has no such index and scans its few rows: the migration does nothing there.
"""

from django.db import migrations

INDEXES = {
    "beneficiary_name_trigrams": "name_key",
    "beneficiary_document_trigrams": "document_number",
}


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cases_beneficiary "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_indexes_for_home_and_queue")]

    operations = [migrations.RunPython(create, drop)]
