from django.db import migrations

from iompanama.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("iompanama", "0002_provinces"),
        ("activities", "0001_initial"),
        ("axes", "0010_accessattemptexpiration"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
