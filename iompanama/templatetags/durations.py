import datetime

from django import template

register = template.Library()


@register.filter
def minutes(duration: datetime.timedelta) -> int:
    """Whole minutes, rounded up: a lockout of 90 seconds is said as 2 minutes, not 1."""
    return -(-int(duration.total_seconds()) // 60)
