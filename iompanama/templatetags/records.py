from django import template
from django.db import models
from django.utils.formats import localize
from django.utils.translation import gettext as _

from iompanama import db

register = template.Library()


@register.filter
def verbose_name(record: models.Model) -> str:
    return record._meta.verbose_name


@register.filter
def kind(record: models.Model) -> str:
    """The kind in review URLs, e.g. "activities.communicationreach"."""
    return record._meta.label_lower


@register.filter
def count_up_to(count: int) -> str:
    """A count from `capped_counts`: the number, or "more than 1,000" past where it stopped."""
    if count > db.COUNTED_UP_TO:
        return _("more than %(count)s") % {"count": localize(db.COUNTED_UP_TO)}
    return localize(count)
