from django.db import migrations

from iompanama.roles import sync_role_groups


class Migration(migrations.Migration):
    """Gives the roles their permissions on the medical attention tallies and flow statistics."""

    dependencies = [
        ("activities", "0002_medical_tally_and_flow_statistic"),
        ("iompanama", "0003_role_groups"),
    ]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
