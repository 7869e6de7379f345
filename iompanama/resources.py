"""What every import and export shares: natural-key columns, the workflow of imported records,
and neutralising cells that a spreadsheet could run as a formula.

Each app's `resources.py` declares one resource per record type on top of `RecordResource`.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import fields, resources, widgets

from iompanama.models import ReviewStatus, Site, Transition, User

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
        for pattern in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(
            _("“%(value)s” is not a date: write it as 2024-03-31 or 31/03/2024.") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs) -> str:
        return value.isoformat() if value else ""


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

    def clean(self, value, row=None, **kwargs) -> bool:
        text = "" if value is None else str(value).strip().lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("“%(value)s” is neither yes nor no.") % {"value": value})

    def render(self, value, obj=None, **kwargs) -> str:
        return _("yes") if value else _("no")


class ChoiceWidget(widgets.Widget):
    """One of a field's choices, by its code or its label in either language."""

    def __init__(self, choices: type[models.TextChoices], aliases: dict | None = None) -> None:
        super().__init__()
        self.choices = choices
        self.aliases = {key.casefold(): value for key, value in (aliases or {}).items()}

    def clean(self, value, row=None, **kwargs) -> str:
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        if text.casefold() in self.aliases:
            return self.aliases[text.casefold()]
        for choice in self.choices:
            if text.lower() in {choice.value.lower(), str(choice.label).lower()}:
                return choice.value
        raise ValueError(
            _("Unknown code “%(value)s”: use one of %(allowed)s.")
            % {"value": text, "allowed": ", ".join(self.choices.values)}
        )

    def render(self, value, obj=None, **kwargs) -> str:
        return value or ""


class CountryWidget(widgets.Widget):
    """A country by its ISO code (PA, PAN) or its name in Spanish or English."""

    def clean(self, value, row=None, **kwargs) -> str:
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        code = countries.alpha2(text) or _country_by_name(text)
        if not code:
            raise ValueError(_("Unknown country “%(value)s”.") % {"value": text})
        return code

    def render(self, value, obj=None, **kwargs) -> str:
        return str(value.code if hasattr(value, "code") else value or "")


def _country_by_name(text: str) -> str:
    from django.utils import translation

    wanted = text.casefold()
    for language in ("es", "en"):
        with translation.override(language):
            for code, name in countries:
                if name.casefold() == wanted:
                    return code
    return ""


class SiteWidget(widgets.Widget):
    """A site by its code or its name, among those the importer works at."""

    def __init__(self, user: User | None) -> None:
        super().__init__()
        self.user = user
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


class NamedWidget(widgets.ManyToManyWidget):
    """A row of a reference list (donor, topic, category) by its name, code, or either
    language's name; `many` takes several separated by semicolons."""

    # A ManyToManyWidget so that the library saves `many` after the record; one row otherwise.
    def __init__(self, model: type[models.Model], keys: Iterable[str], many: bool = False):
        widgets.Widget.__init__(self)
        self.model, self.keys, self.many = model, tuple(keys), many
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


def column(attribute: str, header: str, widget: widgets.Widget | None = None, **kw) -> fields.Field:
    return fields.Field(
        attribute=attribute, column_name=header, widget=widget or widgets.CharWidget(), **kw
    )


class RecordResource(resources.ModelResource):
    """A reviewable record as one row of a file. Made with the person who imports and, for an
    administrator, whether to approve on import. `external_id` identifies a row across
    imports, so that importing a file again updates instead of duplicating."""

    # Column -> (what it holds, an example); for the template's explanation sheet.
    help: dict[str, tuple[str, str]] = {}
    required: tuple[str, ...] = ()
    personal_data = False

    class Meta:
        import_id_fields = ["external_id"]
        clean_model_instances = True
        skip_diff = True
        store_row_values = True

    def __init__(self, user: User | None = None, approve: bool = False) -> None:
        super().__init__()
        self.user = user
        self.approve = approve
        self._seen_ids: set[str] = set()
        if "site" in self.fields:
            self.fields["site"].widget = SiteWidget(user)

    # Import
    def before_import_row(self, row, **kwargs) -> None:
        external_id = str(row.get(self.fields["external_id"].column_name) or "").strip()
        if external_id in self._seen_ids:
            raise ValidationError(
                {
                    "external_id": _("External ID “%(value)s” appears twice in the file.")
                    % {"value": external_id}
                }
            )
        if external_id:
            self._seen_ids.add(external_id)

    def get_instance(self, instance_loader, row):
        external_id = str(row.get(self.fields["external_id"].column_name) or "").strip()
        if not external_id:
            return None
        instance = self._meta.model.objects.filter(external_id=external_id).first()
        if (
            instance is not None
            and self.user is not None
            and not self.user.works_at(instance.site_id)
        ):
            raise ValidationError(
                {"external_id": _("This external ID belongs to a record of another site.")}
            )
        return instance

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        if new:
            instance.created_by = self.user

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        """Imported records enter review as submitted by the importer (approved, if asked),
        each step a Transition, the change kept in the history."""
        by = self.user
        now = timezone.now()
        from_status = ReviewStatus.DRAFT if is_create else instance.status
        if not is_create:
            instance.version += 1
        instance.status = ReviewStatus.APPROVED if self.approve else ReviewStatus.SUBMITTED
        instance.submitted_at = now
        instance._history_user = by
        with transaction.atomic():  # a savepoint: a refused row leaves the others going
            instance.save()
        steps = []
        if from_status != ReviewStatus.SUBMITTED:
            steps.append((from_status, ReviewStatus.SUBMITTED, _("Imported from a file.")))
        if self.approve:
            steps.append((ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, _("Approved on import.")))
        for start, end, reason in steps:
            Transition.objects.create(
                record=instance, from_status=start, to_status=end, by=by, at=now, reason=reason
            )

    # Export
    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def fast_rows(self, records: models.QuerySet):
        """The export rows straight from `values_list`, without building a model per row (the
        speed of big exports), or None when a column needs the model (many-to-many)."""
        columns = self._fast_columns()
        if columns is None:
            return None
        paths, renders = columns
        return (
            [render(value) for render, value in zip(renders, values, strict=True)]
            for values in records.values_list(*paths).iterator(chunk_size=2000)
        )

    def _fast_columns(self):
        paths, renders = [], []
        for export_field in self.get_export_fields():
            name = export_field.attribute
            widget = export_field.widget
            if isinstance(widget, widgets.ManyToManyWidget) or not name:
                return None
            if isinstance(widget, SiteWidget):
                name = f"{name}__code"
            elif "__" not in name and self._meta.model._meta.get_field(name).is_relation:
                return None
            paths.append(name)
            renders.append(_fast_render(widget))
        return paths, renders

    def column_names(self) -> list[str]:
        return [field.column_name for field in self.get_import_fields()]

    def attribute_columns(self) -> dict[str, str]:
        return {field.attribute: field.column_name for field in self.get_import_fields()}

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        """The rows to export, with what their columns show fetched in the same query."""
        return records.select_related("site")


def _fast_render(widget: widgets.Widget):
    """What `widget.render` writes, for a value read with values_list."""
    if isinstance(widget, DateWidget):
        return lambda value: value.isoformat() if value else ""
    if isinstance(widget, BooleanWidget):
        yes, no = _("yes"), _("no")
        return lambda value: yes if value else no
    if isinstance(widget, NumberWidget):
        return lambda value: value
    return lambda value: neutralise("" if value is None else str(value))
