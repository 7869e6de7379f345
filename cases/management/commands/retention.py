"""The retention task, run daily (README): people whose retention period ended are anonymised,
and the personal data access log is kept ACCESS_LOG_KEEP_DAYS."""

from django.core.management.base import BaseCommand

from cases.models import Beneficiary, retention_cutoff
from iompanama.models import PersonalDataAccess


class Command(BaseCommand):
    help = "Anonymises people whose retention period ended and deletes old access log rows."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; change nothing."
        )

    def handle(self, *, dry_run: bool, **options) -> None:
        cutoff = retention_cutoff()
        due = Beneficiary.objects.due_for_anonymisation(cutoff)
        expired = PersonalDataAccess.objects.expired()
        if dry_run:
            self.stdout.write(
                f"Would anonymise {due.count()} people (nothing in their cases since {cutoff}) "
                f"and delete {expired.count()} access log rows. Nothing was changed."
            )
            return
        anonymised = 0
        for person in due.iterator():
            person.anonymise(by=None, reason=f"Retention period ended (nothing since {cutoff}).")
            anonymised += 1
        deleted, _by_model = expired.delete()
        self.stdout.write(
            f"Anonymised {anonymised} people (nothing in their cases since {cutoff}) "
            f"and deleted {deleted} access log rows."
        )
