"""Every upload waiting for its confirmation becomes a PendingUpload row: a preview's (which the
session kept) and a background check's (which Job.upload held as a file)."""

import hashlib
from pathlib import Path

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import iompanama.models


def jobs_uploads_to_rows(apps, schema_editor):
    """A background import's file, kept as it was, named by a row that expires with its job.
    (A preview's file has no row to move: the expiry task deletes it as an orphan.)"""
    Job = apps.get_model("iompanama", "Job")
    PendingUpload = apps.get_model("iompanama", "PendingUpload")
    for job in Job.objects.exclude(upload_file=""):
        storage = job.upload_file.storage
        if not storage.exists(job.upload_file.name):
            continue
        with storage.open(job.upload_file.name, "rb") as stored:
            digest = hashlib.sha256(stored.read()).hexdigest()
        job.upload = PendingUpload.objects.create(
            by_id=job.by_id,
            file=job.upload_file.name,
            name=Path(job.upload_file.name).name,
            sha256=digest,
            approve=job.approve,
            created_at=job.created_at,
            expires_at=job.expires_at,
        )
        job.save(update_fields=["upload"])


class Migration(migrations.Migration):
    dependencies = [("iompanama", "0012_region_name_en")]

    operations = [
        migrations.CreateModel(
            name="PendingUpload",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "token",
                    models.CharField(
                        default=iompanama.models._new_token, max_length=32, unique=True
                    ),
                ),
                (
                    "file",
                    models.FileField(blank=True, upload_to="imports/", verbose_name="file"),
                ),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("sha256", models.CharField(max_length=64)),
                ("page", models.CharField(blank=True, max_length=200)),
                (
                    "approve",
                    models.BooleanField(default=False, verbose_name="approve on import"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                ("expires_at", models.DateTimeField(verbose_name="kept until")),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
            ],
            options={"verbose_name": "pending upload", "verbose_name_plural": "pending uploads"},
        ),
        migrations.RenameField(model_name="job", old_name="upload", new_name="upload_file"),
        migrations.AddField(
            model_name="job",
            name="upload",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="iompanama.pendingupload",
                verbose_name="uploaded file",
            ),
        ),
        migrations.RunPython(jobs_uploads_to_rows, migrations.RunPython.noop),
    ]
