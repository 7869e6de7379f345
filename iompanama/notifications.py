"""Emails sent by the review workflow, each in its recipient's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from iompanama.models import Reviewable, ReviewStatus, User
from iompanama.roles import Role


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
            subject, _blank, body = render_to_string(
                template,
                {
                    "record": record,
                    "step": last_step,
                    "recipient": recipient,
                    "link": settings.SITE_URL + record.get_absolute_url(),
                },
            ).partition("\n")
            send_mail(subject.strip(), body.strip(), settings.DEFAULT_FROM_EMAIL, [recipient.email])
