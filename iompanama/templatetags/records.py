from django import template
from django.db import models

register = template.Library()


@register.filter
def verbose_name(record: models.Model) -> str:
    return record._meta.verbose_name


@register.filter
def kind(record: models.Model) -> str:
    """The kind in review URLs, e.g. "activities.communicationreach"."""
    return record._meta.label_lower
