"""Emails sent by the review workflow, each in its recipient's language.

An email names the kind of record, its site and a link, never a beneficiary: mailboxes are
forwarded, synced to phones and kept for years, out of reach of the retention rules."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from iompanama.models import Reviewable, ReviewStatus, User
from iompanama.roles import Role

SUBJECTS = {
    ReviewStatus.SUBMITTED: lambda: _("To review: %(kind)s at %(site)s"),
    ReviewStatus.APPROVED: lambda: _("Approved: %(kind)s at %(site)s"),
    ReviewStatus.RETURNED: lambda: _("Returned to you: %(kind)s at %(site)s"),
}


def notify_of_review_step(record: Reviewable) -> None:
    """Submitted: tell the site's supervisors. Approved or returned: tell the author."""
    if record.status == ReviewStatus.SUBMITTED:
        recipients = (
            User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR, sites=record.site_id)
            .exclude(pk=record.created_by_id)
            .exclude(email="")
            .distinct()
        )
        template = "iompanama/email/submitted.txt"
    elif record.status in (ReviewStatus.APPROVED, ReviewStatus.RETURNED):
        recipients = User.objects.filter(pk=record.created_by_id, is_active=True).exclude(email="")
        template = "iompanama/email/reviewed.txt"
    else:
        return
    last_step = record.transitions.order_by("-at", "-pk").first()
    for recipient in recipients:
        with translation.override(recipient.language):
            body = render_to_string(
                template,
                {
                    "record": record,
                    "step": last_step,
                    "link": settings.SITE_URL + record.get_absolute_url(),
                },
            )
            send_mail(
                review_subject(record), body.strip(), settings.DEFAULT_FROM_EMAIL, [recipient.email]
            )


def review_subject(record: Reviewable) -> str:
    """One line whatever a site's name holds: a line break in a header is refused by the mail
    library, after the step it reports is already committed."""
    subject = SUBJECTS[record.status]() % {
        "kind": record._meta.verbose_name,
        "site": record.site.name,
    }
    return " ".join(subject.split())
