from django.db import migrations

from iompanama.roles import sync_role_groups


class Migration(migrations.Migration):
    """Gives the roles their permissions on donations, trainings and survey rounds, and
    administrators theirs on donors, item categories and training topics."""

    dependencies = [
        ("activities", "0005_reference_lists"),
        ("iompanama", "0003_role_groups"),
    ]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
