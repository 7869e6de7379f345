from django.db import migrations

from iompanama.roles import sync_role_groups


class Migration(migrations.Migration):
    """Gives field staff the figures page: the figures of their own sites."""

    dependencies = [
        ("reports", "0003_correction_reason_and_linked_suppressions"),
        ("activities", "0011_flow_sex_split_optional"),
    ]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
