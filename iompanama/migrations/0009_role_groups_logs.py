from django.db import migrations

from iompanama.roles import sync_role_groups


class Migration(migrations.Migration):
    """Lets administrators read the personal data access log and the export log."""

    dependencies = [
        ("iompanama", "0008_personal_data_access"),
        ("activities", "0009_survey_respondent_id"),
        ("cases", "0005_beneficiary_external_id"),
        ("reports", "0002_role_groups"),
    ]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
