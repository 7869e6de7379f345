from django.core.management.base import BaseCommand

from iompanama.files.uploads import expire_files


class Command(BaseCommand):
    help = (
        "Deletes expired background jobs with their files, and import uploads never confirmed "
        "(run it hourly from the scheduler: cron or a systemd timer)."
    )

    def handle(self, *args, **options) -> None:
        expire_files()
