from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from activities.models import SurveyResponse
from reports import charts, figures
from reports.disclosure import SMALL, TOO_FEW, WITHHELD
from reports.exports import NO_DATA, NOT_RECORDED
from reports.figures import half_up

register = template.Library()


@register.filter
def figure(value) -> str:
    """A number as the factsheet shows it, with the disclosure markers in words."""
    if value == SMALL:
        return _("fewer than 5")
    if value == WITHHELD:
        return "—"
    if value == TOO_FEW:
        return _("too few responses to report")
    # As the files say them, in a correction's list of changes.
    if value == NO_DATA:
        return _("no data")
    if value == NOT_RECORDED:
        return _("not recorded")
    if value is None:
        return "–"
    return intcomma(value)


@register.filter
def country(code: str) -> str:
    return charts.country_name(code)


@register.filter
def bilingual(entry: dict) -> str:
    return charts.name_of(entry)


@register.filter
def percent(value) -> str:
    """A percentage as the factsheet writes it: whole. It rounds the published one-decimal
    value, so the page agrees with the JSON a reader can check it against."""
    if isinstance(value, int | float):
        return f"{half_up(value)}%"
    return figure(value)


@register.filter
def and_list(words: list[str]) -> str:
    """ "Darién and Chiriquí", "Darién y Chiriquí"."""
    return figures.and_list(list(words))


@register.filter
def month(code: str) -> str:
    """ "2023-09" in words: "September 2023", "septiembre de 2023"."""
    return charts.month_in_words(code)


@register.filter
def times(ratio: float) -> str:
    """A ratio as people say it: "2.1 times"."""
    return f"{half_up(ratio, 1)}"


@register.filter
def migration_reason(code: str) -> str:
    """A reason for migrating as people read it; "other" also stands for merged small groups."""
    return SurveyResponse.Reason(code).label if code in SurveyResponse.Reason.values else code


@register.filter
def nonced(chart: SafeString, nonce: str) -> SafeString:
    """A chart whose own <style> carries the page's Content-Security-Policy nonce (none in the
    PDF, which no browser renders)."""
    nonce = str(nonce)  # django-csp's lazy nonce is falsy until it is read
    if not nonce:
        return chart
    return mark_safe(chart.replace("<style", f'<style nonce="{nonce}"', 1))  # noqa: S308 - ours
