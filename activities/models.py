from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from iompanama.models import Reviewable
from iompanama.validators import not_in_future


class CommunicationReach(Reviewable):
    """People reached by one campaign through one channel on one day."""

    class Channel(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        X = "x", "X"
        WHATSAPP = "whatsapp", "WhatsApp"
        WEB = "web", _("Web")
        RADIO = "radio", _("Radio")
        OTHER = "other", _("Other")

    date = models.DateField(_("date"), validators=[not_in_future])
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    campaign = models.CharField(_("campaign"), max_length=200)
    people_reached = models.PositiveIntegerField(
        _("people reached"), validators=[MinValueValidator(1)]
    )

    period_field = "date"
    url_prefix = "activities:reach"

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("communication reach")
        verbose_name_plural = _("communication reach")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people_reached__gt=0), name="people_reached_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} ({self.get_channel_display()}, {self.date:%d/%m/%Y})"
