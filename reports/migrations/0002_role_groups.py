from django.db import migrations

from iompanama.roles import sync_role_groups


class Migration(migrations.Migration):
    """Gives supervisors the figures page, and administrators the figures, the mission profile
    and publishing."""

    dependencies = [
        ("reports", "0001_factsheets"),
        ("activities", "0007_flow_by_nationality"),
        ("cases", "0003_beneficiary_version"),
    ]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
