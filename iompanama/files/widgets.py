"""How a cell of a file is read and written: dates, numbers, yes/no, choices and countries in
either language or by code, sites and named rows (donors, topics) by code or name; and
`neutralise`, which every file we write applies to text a spreadsheet could run as a formula.
A widget's `clean` reads a cell (an import), its `render` writes one (an export)."""

import datetime
import functools
from collections.abc import Iterable

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import widgets

from iompanama.models import (
    Site,
    User,
)

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
StrOrPromise = str | Promise


def neutralise(value: object) -> object:
    """The text with a leading apostrophe when a spreadsheet would take it for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class DateWidget(widgets.Widget):
    """A date written as ISO (2024-03-31) or as day/month/year (31/03/2024)."""

    FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        date = _parse_date(text, self.FORMATS)
        if date:
            return date
        raise ValueError(
            _("“%(value)s” is not a date: write it as 2024-03-31 or 31/03/2024.") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs) -> datetime.date | None:
        """The date itself: a date cell in XLSX, written as ISO in CSV."""
        return value


@functools.lru_cache(maxsize=4096)  # a file's rows share a few dates
def _parse_date(text: str, formats: tuple[str, ...]) -> datetime.date | None:
    for pattern in formats:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class MonthWidget(DateWidget):
    """A month, kept as its first day; also takes 2024-03 and 03/2024."""

    FORMATS = (*DateWidget.FORMATS, "%Y-%m", "%m/%Y")

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        date = super().clean(value, row, **kwargs)
        return date.replace(day=1) if date else None


class NumberWidget(widgets.Widget):
    """A whole number of people or things, never negative."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        if value in (None, ""):
            return None
        text = str(value).strip()
        try:
            number = float(text.replace(",", "")) if not isinstance(value, int) else value
        except ValueError:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
        if number != int(number):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        if number < 0:
            raise ValueError(_("%(value)s is negative: give 0 or more.") % {"value": text})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class BooleanWidget(widgets.Widget):
    YES = {"1", "true", "yes", "si", "sí", "x"}
    NO = {"", "0", "false", "no"}
    words = True  # yes/no in the reader's language; 1/0 in files for machines

    def clean(self, value, row=None, **kwargs) -> bool:
        text = "" if value is None else str(value).strip().lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("“%(value)s” is neither yes nor no.") % {"value": value})

    def render(self, value, obj=None, **kwargs) -> str:
        if not self.words:
            return "1" if value else "0"
        return _("yes") if value else _("no")


class ChoiceWidget(widgets.Widget):
    """One of a field's choices, by its code or its label in either language; written as its
    label in the reader's language, or as its code in files for machines."""

    words = True

    def __init__(self, choices: type[models.TextChoices], aliases: dict | None = None) -> None:
        super().__init__()
        self.choices = choices
        self.aliases = {key.casefold(): value for key, value in (aliases or {}).items()}
        self._names: dict[str, str] | None = None

    def names(self) -> dict[str, str]:
        """Each choice by its code and its label in Spanish and in English, whatever the
        importer's language: a file is often written by someone else."""
        if self._names is None:
            self._names = {}
            for language in ("en", "es"):
                with translation.override(language):
                    for choice in self.choices:
                        self._names[str(choice.label).casefold()] = choice.value
            self._names |= {choice.value.casefold(): choice.value for choice in self.choices}
            self._names |= self.aliases
        return self._names

    def clean(self, value, row=None, **kwargs) -> str:
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        if text.casefold() in self.names():
            return self.names()[text.casefold()]
        raise ValueError(
            _("Unknown code “%(value)s”: use one of %(allowed)s.")
            % {"value": text, "allowed": ", ".join(self.choices.values)}
        )

    def render(self, value, obj=None, **kwargs) -> str:
        if not value or not self.words:
            return value or ""
        return str(self.choices(value).label)


class CountryWidget(widgets.Widget):
    """A country by its ISO code (PA, PAN) or its name in Spanish or English; written as its
    name in the reader's language, or as its ISO code in files for machines."""

    words = True

    def clean(self, value, row=None, **kwargs) -> str:
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        code = countries.alpha2(text) or _country_by_name(text)
        if not code:
            raise ValueError(_("Unknown country “%(value)s”.") % {"value": text})
        return code

    def render(self, value, obj=None, **kwargs) -> str:
        code = str(value.code if hasattr(value, "code") else value or "")
        return countries.name(code) if code and self.words else code


def _country_by_name(text: str) -> str:
    wanted = text.casefold()
    for language in ("es", "en"):
        with translation.override(language):
            for code, name in countries:
                if name.casefold() == wanted:
                    return code
    return ""


class SiteWidget(widgets.Widget):
    """A site by its code or its name, among those the importer works at; of one `kind` when
    the record happens only there (medical attention at reception stations)."""

    def __init__(self, user: User | None, kind: str = "") -> None:
        super().__init__()
        self.user = user
        self.kind = kind
        self._sites: dict[str, Site] | None = None

    def sites(self) -> dict[str, Site]:
        if self._sites is None:
            self._sites = {}
            for site in Site.objects.all():
                self._sites[site.code.casefold()] = site
                self._sites[site.name.casefold()] = site
        return self._sites

    def clean(self, value, row=None, **kwargs) -> Site | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        site = self.sites().get(text.casefold())
        if site is None:
            raise ValueError(_("Unknown site “%(value)s”.") % {"value": text})
        if self.user is not None and not self.user.works_at(site.pk):
            raise ValueError(
                _("“%(value)s” is not one of your sites: you may import only your sites' records.")
                % {"value": text}
            )
        return site

    def render(self, value, obj=None, **kwargs) -> str:
        return value.code if value else ""

    def allowed(self) -> list[str]:
        """The codes of the importer's sites of the widget's kind."""
        sites = set(self.sites().values())
        return sorted(
            site.code
            for site in sites
            if (self.user is None or self.user.works_at(site.pk))
            and (not self.kind or site.kind == self.kind)
        )


class NamedWidget(widgets.Widget):
    """A row of a reference list (donor, category) by its name, code, or either language's
    name."""

    many = False

    def __init__(self, model: type[models.Model], keys: Iterable[str]):
        widgets.Widget.__init__(self)
        self.model, self.keys = model, tuple(keys)
        self._rows: dict[str, models.Model] | None = None

    def rows(self) -> dict[str, models.Model]:
        if self._rows is None:
            self._rows = {
                str(getattr(row, key)).casefold(): row
                for row in self.model.objects.all()
                for key in self.keys
            }
        return self._rows

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        names = [name.strip() for name in text.split(";") if name.strip()]
        found = []
        for name in names:
            if name.casefold() not in self.rows():
                raise ValueError(
                    _("Unknown %(kind)s “%(value)s”.")
                    % {"kind": self.model._meta.verbose_name, "value": name}
                )
            found.append(self.rows()[name.casefold()])
        if self.many:
            return found
        return found[0] if found else None

    def render(self, value, obj=None, **kwargs) -> str:
        if self.many:
            return "; ".join(str(getattr(row, self.keys[0])) for row in value.all())
        return str(getattr(value, self.keys[0])) if value else ""


class NamedListWidget(NamedWidget, widgets.ManyToManyWidget):
    """Several rows of a reference list (a training's topics), separated by semicolons: a
    many-to-many, so that the import keeps them until the record is written."""

    many = True


class TextWidget(widgets.CharWidget):
    """Text, the default of a column: without surrounding spaces, and without the apostrophe
    our exports put before a leading "+", "-", "=" or "@" (a phone number as +507...), so that
    an exported file is imported back as it was."""

    def clean(self, value, row=None, **kwargs) -> str:
        text = (super().clean(value, row, **kwargs) or "").strip()
        if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
            return text[1:]
        return text


def allowed_values(widget: widgets.Widget) -> str:
    """What a cell of this widget's column may hold, for the template's explanation sheet."""
    if isinstance(widget, ChoiceWidget):
        return ", ".join(widget.choices.values)
    if isinstance(widget, BooleanWidget):
        return f"{_('yes')}, {_('no')}"
    if isinstance(widget, SiteWidget):
        return ", ".join(widget.allowed())
    if isinstance(widget, NamedWidget):
        return "; ".join(_names(widget))
    return ""


def _names(widget: NamedWidget) -> list[str]:
    return sorted({str(getattr(row, widget.keys[0])) for row in widget.rows().values()})


def example_value(widget: widgets.Widget, suggested: str) -> str | datetime.date:
    """The template's example of a column as the person's own file would hold it (one of
    their sites, a name that exists, yes or no in their language), so that the template
    imports as it is; `suggested` when it does, or when nothing better exists."""
    if not suggested:
        return ""
    if type(widget) is DateWidget:  # a date cell, as people's spreadsheets have them
        return widget.clean(suggested)
    if isinstance(widget, BooleanWidget):
        return widget.render(widget.clean(suggested))
    if isinstance(widget, SiteWidget):
        allowed = widget.allowed()
        return suggested if suggested in allowed or not allowed else allowed[0]
    if isinstance(widget, NamedWidget):
        names = _names(widget)
        return suggested if suggested.casefold() in widget.rows() or not names else names[0]
    if hasattr(widget, "example"):  # a widget of an app (a person)
        return widget.example(suggested)
    return suggested
