"""Job's file column and ConfirmedImport go: a PendingUpload row holds the file and says whether
it was confirmed. Apart from 0013 so that on PostgreSQL the table is altered in a transaction
of its own, after 0013's rows are written."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("iompanama", "0013_pending_upload")]

    operations = [
        migrations.RemoveField(model_name="job", name="upload_file"),
        migrations.DeleteModel(name="ConfirmedImport"),
    ]
