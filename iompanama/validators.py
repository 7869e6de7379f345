import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def not_in_future(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future_date")
