from django.db import migrations

from iompanama.roles import sync_role_groups


class Migration(migrations.Migration):
    """Gives the roles their permissions on beneficiaries and cases (viewers get none)."""

    dependencies = [
        ("cases", "0001_initial"),
        ("iompanama", "0003_role_groups"),
    ]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
