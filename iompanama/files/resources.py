"""What every import and export shares: natural-key columns, the workflow of imported records,
and neutralising cells that a spreadsheet could run as a formula.

Each app's `resources.py` declares one resource per kind of row on top of `RecordResource` (or
`FileResource` for rows that are not reviewed), each column once as a `Column`, and a record's
lines (a donation's items) as `Lines`.
"""

from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass
from functools import cached_property

import tablib
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, When
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.resources import ModelDeclarativeMetaclass
from import_export.results import RowResult

from iompanama.files.inserts import insert, insert_history
from iompanama.files.widgets import (
    ChoiceWidget,
    CountryWidget,
    SiteWidget,
    StrOrPromise,
    TextWidget,
    neutralise,
)
from iompanama.models import (
    PeriodLock,
    PeriodLocked,
    Reviewable,
    ReviewStatus,
    User,
    new_external_id,
)

PROGRESS_EVERY = 500  # rows between two updates of a progress bar
WRITE_BATCH = 1000  # rows written at once
KEYS_PER_QUERY = 5000  # below every database's limit of parameters in one query


def _validated(row: models.Model, errors: dict, checked: dict, *unchecked: str) -> dict:
    """`errors` (by attribute) and the model's own validation of the fields without one, as
    `full_clean` does it, but not what would cost a query per row: foreign keys were read from
    the database by the widgets, keys are checked within the file, and the database's check
    constraints say what the models' `clean` does. A field's validation does not depend on
    the row, so each distinct value of a field is validated once per file (`checked`): a
    column's cells repeat. An empty cell is said as such, not as Django's "null"."""
    skipped = {*errors, *unchecked}
    if type(row) not in checked:
        # What a person can give: not the key nor what the app keeps (the form's token, the
        # times of entry), which no file sets.
        given = [
            field for field in row._meta.concrete_fields if field.editable and not field.primary_key
        ]
        checked[type(row)] = given, {}
    given, outcomes = checked[type(row)]
    for field in given:
        if field.name in skipped:
            continue
        value = getattr(row, field.attname)
        if (field.blank and value in field.empty_values) or (
            field.is_relation and value is not None
        ):
            continue
        try:
            cleaned, problems = outcomes[field.attname, value]
        except KeyError:
            cleaned, problems = outcomes.setdefault(
                (field.attname, value), _field_outcome(field, value)
            )
        except TypeError:  # a value that cannot be a key (JSON)
            cleaned, problems = _field_outcome(field, value)
        if problems:
            errors[field.name] = problems
        else:
            setattr(row, field.attname, cleaned)
    try:
        row.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    empty = _("This cell is empty: fill it in.")
    return {
        name: [
            empty if getattr(problem, "code", None) in ("null", "blank") else problem
            for problem in problems
        ]
        for name, problems in errors.items()
    }


def _field_outcome(field: models.Field, value) -> tuple[object, list]:
    """The field's cleaned value and no problem, or no value and its problems."""
    try:
        return field.clean(value, None), []
    except ValidationError as error:
        return None, error.error_list


def _key_of(cell) -> str:
    return str(cell or "").strip()


@dataclass(frozen=True)
class Column:
    """One column of a file, declared once: its header, how a cell is read and written, what
    it holds and an example (the template's explanation sheet), and whether an import needs it.
    `attribute` is the model's, when it is not the header (e.g. "donor__name")."""

    name: str
    help: StrOrPromise = ""
    example: str = ""
    widget: widgets.Widget | None = None
    required: bool = False
    attribute: str = ""

    @property
    def path(self) -> str:
        return self.attribute or self.name

    def field(self) -> fields.Field:
        return CellField(
            attribute=self.path,
            column_name=self.name,
            widget=self.widget or TextWidget(),
        )


class CellField(fields.Field):
    """A column read once per distinct cell in a file: a column's cells repeat (a site, a date,
    a channel), and reading one may look it up in a list of names in two languages."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._read: dict[tuple, tuple[object, str | None]] = {}

    def clean(self, row, **kwargs):
        cell = row[self.column_name]
        key = type(cell), cell  # 1 and 1.0 are equal keys, but a text column reads them apart
        try:
            value, problem = self._read[key]
        except KeyError:
            try:
                value, problem = super().clean(row, **kwargs), None
            except ValueError as error:
                value, problem = None, str(error)
            self._read[key] = value, problem
        except TypeError:  # a cell that cannot be a key
            return super().clean(row, **kwargs)
        if problem is not None:
            raise ValueError(problem)
        return value


@dataclass(frozen=True)
class Lines:
    """A record's rows of another table (a donation's items) in a file: one line of the file
    each, the record's columns repeated on every line of the record, its key the same."""

    relation: str  # the record's name for them, e.g. "items"
    columns: tuple[Column, ...]
    required: bool = True  # every record has at least one


class ColumnsMetaclass(ModelDeclarativeMetaclass):
    """Turns a resource's `columns` into the library's fields and its `Meta.fields`."""

    def __new__(cls, name, bases, attrs):
        columns = attrs.get("columns", ())
        for column in columns:
            attrs[column.name] = column.field()
        if columns and "Meta" in attrs:
            attrs["Meta"].fields = [column.name for column in columns]
        return super().__new__(cls, name, bases, attrs)


class RowOutcome(RowResult):
    """The library's outcome of a row, whose description of the row's record (its `str()`,
    translated: a fifth of an import's time) is made only when read, by the admin's log of an
    import made there."""

    def add_instance_info(self, instance) -> None:
        self.object_id = getattr(instance, "pk", None)
        self._record = instance

    @property
    def object_repr(self) -> str | None:
        record = getattr(self, "_record", None)
        return None if record is None else force_str(record)

    @object_repr.setter
    def object_repr(self, value: None) -> None:
        """RowResult() starts it as None."""
        self._record = None


class FileResource(resources.ModelResource, metaclass=ColumnsMetaclass):
    """Rows of a model in files. An import is validated row by row, then written in batches:
    the rows, their history and what `write_batch` adds, a few queries per batch rather than
    several per row. The key column (`Meta.import_id_fields`) identifies a row across imports,
    so that importing a file again updates instead of duplicating.

    The hooks below are django-import-export's (4.x, `Resource.import_data_inner` and
    `import_row`); it calls them in this order, which is what their state relies on:

    1. `before_import(dataset)`, once: the stored rows the file names, read in a few queries.
    2. For each row, `import_row(row)` (ours first: a further line of a record already read
       joins it and the rest is skipped), then within the library's `import_row`:
       a. `before_import_row(row)`: a row the reader could not read; a key twice in the
          file; a record's first line noted.
       b. `get_instance(loader, row)` (through `get_or_init_instance`): the stored row, from
          `before_import`'s read; subclasses refuse another site's or a locked one here.
       c. `after_init_instance(instance, new, row)`: who creates it, its status before.
       d. `import_instance(instance, row)`: the cells into the row; many-to-many values and
          lines kept on it (`_import_many`, `_import_lines`) until it is written.
       e. `validate_instance(instance, errors)`: the model's checks that cost no query, and
          keys unique within the file. A ValidationError from a to e makes the row invalid.
       f. `save_instance(instance, new, row)`, which calls `before_save_instance` (version,
          history user, review status) and, with `use_bulk`, only queues the row.
       g. `after_import_row(row, result)`: the progress bar.
       After each row, a full queue (`batch_size`) calls `bulk_create`/`bulk_update` with
       `batch_size` set; a resource with lines waits, as a later line may join a record.
    3. `bulk_create` and `bulk_update` once more without `batch_size`: the rest is written
       (`_write` → `write_batch`: rows, many-to-many, lines, history, review steps).

    `import_rows` (imports.py) runs all this in its own transaction, rolled back on a dry run
    or on any invalid row."""

    columns: tuple[Column, ...] = ()
    lines: Lines | None = None
    importable = True
    machine = False  # see for_machines
    hxl_people = "#reached"  # the HXL hashtag of the people its numbers count

    class Meta:
        clean_model_instances = True
        skip_diff = True
        store_row_values = True
        use_bulk = True
        batch_size = WRITE_BATCH

    def __init__(self, user: User | None = None) -> None:
        super().__init__()
        self.user = user
        self.progress: Callable[[int], None] | None = None
        # Rows the file's reader could not read, by row number: their message (imports.Table).
        self.unreadable: dict[int, str] = {}
        # What the person should check but that does not stop the import (a likely duplicate):
        # `import_rows` shows them with the report.
        self.warnings: list[str] = []
        self._seen_keys: set[str] = set()
        self._checked: dict[type, tuple] = {}  # see _validated
        self._unique_keys: set[tuple] = set()
        self._stored: dict[str, models.Model] = {}
        # A record's first line (its number and record cells) and the record, by key.
        self._first_lines: dict[str, tuple[int, list]] = {}
        self._queued: dict[str, models.Model] = {}
        # Stored rows the file gives again as they are: not written, counted apart.
        self.unchanged = 0
        self._line_fields = [deepcopy(column.field()) for column in self.line_columns]

    @property
    def line_columns(self) -> tuple[Column, ...]:
        return self.lines.columns if self.lines else ()

    def for_machines(self) -> "FileResource":
        """The export for other systems: columns by name, values by code (and an HXL row, see
        exports.py); people's exports have headers and values in the reader's language. Both
        import back."""
        self.machine = True
        for field in [*self.fields.values(), *self._line_fields]:
            if hasattr(field.widget, "words"):
                field.widget.words = False
        return self

    def headers(self) -> list[str]:
        if self.machine:
            return self.column_names()
        return [self.label_of(column) for column in self.file_columns]

    def label_of(self, column: Column) -> str:
        """The column's header for people: its field's name in their language, after the
        line's kind for a line's column ("Item: category")."""
        model = self._meta.model
        is_line = column in self.line_columns
        if is_line:
            model = model._meta.get_field(self.lines.relation).related_model
        try:
            field = model._meta.get_field(column.path.split("__")[0])
        except FieldDoesNotExist:
            return column.name
        if is_line:
            return f"{capfirst(model._meta.verbose_name)}: {field.verbose_name}"
        return str(capfirst(field.verbose_name))

    def columns_by_header(self) -> dict[str, str]:
        """Each column's name by how a file may head it: its name, or its header for people in
        either language (a file exported by someone who reads the other one)."""
        names = {}
        for language in ("en", "es"):
            with translation.override(language):
                names |= {
                    self.label_of(column).casefold(): column.name for column in self.file_columns
                }
        return names | {name.casefold(): name for name in self.column_names()}

    @property
    def file_columns(self) -> tuple[Column, ...]:
        return (*self.columns, *self.line_columns)

    def widget_of(self, column: Column) -> widgets.Widget:
        fields = {field.column_name: field for field in self._line_fields} | self.fields
        return fields[column.name].widget

    @property
    def key_column(self) -> str:
        return self._meta.import_id_fields[0]

    def required_columns(self) -> list[str]:
        return [column.name for column in self.file_columns if column.required]

    def column_names(self) -> list[str]:
        return [column.name for column in self.file_columns]

    def attribute_columns(self) -> dict[str, str]:
        return {column.path: column.name for column in self.columns}

    def stored_rows(self, keys: list[str]) -> models.QuerySet:
        """The rows stored under these keys (overridden to narrow where keys are unique), with
        their many-to-many values and lines, which `_content` compares."""
        rows = self._meta.model.objects.filter(**{f"{self.key_column}__any_of": keys})
        related = [*self._many_attributes(), *([self.lines.relation] if self.lines else [])]
        return rows.prefetch_related(*related)

    @cached_property
    def _fields_by_kind(self) -> tuple[list[fields.Field], list[fields.Field]]:
        """The import's fields of one value, and those of many-to-many values."""
        single, many = [], []
        for field in self.get_import_fields():
            is_many = isinstance(field.widget, widgets.ManyToManyWidget)
            (many if is_many else single).append(field)
        return single, many

    def _many_attributes(self) -> list[str]:
        return [field.attribute for field in self._fields_by_kind[1]]

    # Import, row by row
    def prepare(self, dataset: tablib.Dataset) -> tablib.Dataset:
        """The file as this resource reads it: as it is, but for a survey tool's export
        (activities' KoboResponseResource), which becomes our columns."""
        return dataset

    def before_import(self, dataset, **kwargs) -> None:
        """The rows the file updates, read once rather than once per row."""
        cells = dataset[self.key_column] if self.key_column in dataset.headers else []
        keys = {_key_of(cell) for cell in cells} - {""}
        self._stored = {}
        ordered = sorted(keys)
        for start in range(0, len(ordered), KEYS_PER_QUERY):
            for stored in self.stored_rows(ordered[start : start + KEYS_PER_QUERY]):
                self._stored[getattr(stored, self.key_column)] = stored

    def _key(self, row) -> str:
        return _key_of(row.get(self.key_column))

    def before_import_row(self, row, **kwargs) -> None:
        unreadable = self.unreadable.get(kwargs["row_number"])
        if unreadable:  # a line the file's reader could not read: its one error
            raise ValidationError(unreadable)
        key = self._key(row)
        self._row_number = kwargs["row_number"]
        if self.lines:
            self._first_lines.setdefault(key, (kwargs["row_number"], self._record_cells(row)))
        elif key in self._seen_keys:
            raise ValidationError(
                {
                    self.key_column: _("“%(value)s” appears twice in the file's %(column)s.")
                    % {"value": key, "column": self.key_column}
                }
            )
        if key:
            self._seen_keys.add(key)

    def _record_cells(self, row) -> list:
        return [str(row.get(column.name) or "").strip() for column in self.columns]

    def get_row_result_class(self) -> type[RowResult]:
        return RowOutcome

    def import_row(self, row, instance_loader, **kwargs) -> RowResult:
        """A further line of a record already read adds its line to it; the library's
        steps read the rest."""
        record = self._queued.get(self._key(row))
        if record is None:
            return super().import_row(row, instance_loader, **kwargs)
        result = self.get_row_result_class()()
        result.import_type = RowResult.IMPORT_TYPE_SKIP  # counted with its first line
        try:
            self._check_same_record(row)
            record._import_lines.append(self._line(record, row))
        except ValidationError as error:
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = error
        self.after_import_row(row, result, **kwargs)
        return result

    def _check_same_record(self, row) -> None:
        first, cells = self._first_lines[self._key(row)]
        errors = {
            column.path: _(
                "Line %(line)s has the same %(key)s and another value here: a record's "
                "columns are the same on each of its lines."
            )
            % {"line": first + 1, "key": self.key_column}
            for column, cell, first_cell in zip(
                self.columns, self._record_cells(row), cells, strict=True
            )
            if cell != first_cell
        }
        if errors:
            raise ValidationError(errors)

    def get_instance(self, instance_loader, row):
        """The stored row, with its content as stored: the file may give it unchanged."""
        instance = self._stored.get(self._key(row))
        if instance is not None:
            instance._row_number = self._row_number  # for a refusal found when it is written
            instance._stored_content = self._content(
                instance,
                {name: list(getattr(instance, name).all()) for name in self._many_attributes()},
                list(getattr(instance, self.lines.relation).all()) if self.lines else [],
            )
        return instance

    def _content(self, row: models.Model, many: dict[str, list], lines: list) -> tuple:
        """What the file's columns say of a row, comparable between the stored row and the
        file's: its fields, its many-to-many values and its lines (in any order)."""
        model = self._meta.model
        fields = tuple(
            model._meta.get_field(name).value_to_string(row) for name in self._content_fields()
        )
        many_ids = tuple(sorted(value.pk for value in many[name]) for name in sorted(many))
        line_model = (
            model._meta.get_field(self.lines.relation).related_model if self.lines else None
        )
        line_fields = [line_model._meta.get_field(field.attribute) for field in self._line_fields]
        line_values = sorted(
            tuple(field.value_to_string(line) for field in line_fields) for line in lines if line
        )
        return fields, many_ids, line_values

    def _is_unchanged(self, row: models.Model) -> bool:
        stored = getattr(row, "_stored_content", None)
        new = self._content(
            row, getattr(row, "_import_many", {}), getattr(row, "_import_lines", [])
        )
        return stored == new

    def import_instance(self, instance, row, **kwargs) -> None:
        """The columns into the row; many-to-many values and lines kept on it until it is
        written."""
        errors = {}
        single, many = self._fields_by_kind
        for field in single:  # as the library's import_instance, without asking each field
            if field.column_name in row:  # its kind again on every row
                try:
                    field.save(instance, row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        instance._import_many = {}
        for field in many:
            try:
                instance._import_many[field.attribute] = field.clean(row)
            except ValueError as error:
                errors[field.attribute] = [str(error)]
        if self.lines:
            try:
                instance._import_lines = [self._line(instance, row)]
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _line(self, record: models.Model, row) -> models.Model | None:
        """The line's row of the other table, validated; None for a blank optional line."""
        relation = self._meta.model._meta.get_field(self.lines.relation)
        first_column = self._line_fields[0].column_name
        if not any(str(row.get(field.column_name) or "").strip() for field in self._line_fields):
            if self.lines.required:
                raise ValidationError({first_column: _("Fill in this line.")})
            return None
        line = relation.related_model(**{relation.field.name: record})
        errors = {}
        for field in self._line_fields:
            if field.column_name not in row:
                continue  # an optional column the file leaves out
            try:
                field.save(line, row)
            except ValueError as error:
                errors[field.attribute] = [str(error)]
        errors = _validated(line, errors, self._checked, relation.field.name)
        if not errors:
            earlier = [line for line in getattr(record, "_import_lines", []) if line]
            check_line = getattr(record, "check_line", None)
            checked = check_line(line, earlier) if check_line else {}
            errors = {name: [message] for name, message in checked.items()}
        if errors:
            columns = {field.attribute: field.column_name for field in self._line_fields}
            raise ValidationError(
                {columns.get(name, first_column): messages for name, messages in errors.items()}
            )
        return line

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = _validated(
            instance, dict(import_validation_errors or {}), self._checked, *self._read_as_choices
        )
        if not errors:
            errors = self._unique_errors(instance)
        many = getattr(instance, "_import_many", {})
        for column in self.columns:
            if column.required and column.path in many and not many[column.path]:
                errors.setdefault(column.path, []).append(_("Give at least one."))
        if errors:
            raise ValidationError(errors)

    @cached_property
    def _read_as_choices(self) -> tuple[str, ...]:
        """The columns whose widget returns only one of the field's choices (a code, a
        country): full_clean need not look each value up in the choices again."""
        return tuple(
            column.path
            for column in self.columns
            if isinstance(self.widget_of(column), ChoiceWidget | CountryWidget)
        )

    def _unique_errors(self, instance: models.Model) -> dict:
        """The model's unique constraints (one statistic a month and source) against the stored
        rows, a query a row for the models that have them, and against the file's rows."""
        errors = {}
        for constraint in instance._meta.constraints:
            if not isinstance(constraint, models.UniqueConstraint) or not constraint.fields:
                continue
            key = (constraint.name, *(getattr(instance, name) for name in constraint.fields))
            try:
                if key in self._unique_keys:
                    raise ValidationError(constraint.get_violation_error_message())
                constraint.validate(type(instance), instance)
            except ValidationError as error:
                errors.setdefault(constraint.fields[0], []).extend(error.messages)
            self._unique_keys.add(key)
        return errors

    def after_import_row(self, row, row_result, **kwargs) -> None:
        if self.progress and kwargs["row_number"] % PROGRESS_EVERY == 0:
            self.progress(kwargs["row_number"])

    def before_save_instance(self, instance, row, **kwargs) -> None:
        instance._history_user = self.user

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        super().save_instance(instance, is_create, row, **kwargs)
        if self.lines and self._key(row):
            self._queued[self._key(row)] = instance  # its further lines join it

    # Import, written in batches
    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.lines and batch_size:
            return  # a full batch, not the file's end: a later line may still join a record
        self._write(self.create_instances, True, using_transactions, dry_run, raise_errors, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.lines and batch_size:
            return
        self._write(self.update_instances, False, using_transactions, dry_run, raise_errors, result)

    def _write(self, rows, created, using_transactions, dry_run, raise_errors, result) -> None:
        if not rows or (dry_run and not using_transactions):
            rows.clear()
            return
        # A row given as it is stored is not written: no version raised, no review reopened.
        changed = rows if created else [row for row in rows if not self._is_unchanged(row)]
        self.unchanged += len(rows) - len(changed)
        if not created:
            changed = [row for row in changed if not self._refused(row, result)]
        try:
            if changed:
                self.write_batch(changed, created)
        except Exception as error:  # reported as the file's error, not a row's
            self.handle_import_error(result, error, raise_errors)
        finally:
            rows.clear()

    def _refused(self, row: models.Model, result) -> bool:
        """Whether a stored row that the file changes may not be changed (see RecordResource);
        if so its line of the file is marked invalid with the reason. Decided here, once a
        record's every line is read: the same row unchanged is no change, and is let pass."""
        errors = self.change_refusal(row)
        if errors:
            line = result.rows[row._row_number - 1]
            line.import_type = RowResult.IMPORT_TYPE_INVALID
            line.validation_error = ValidationError(errors)
        return bool(errors)

    def change_refusal(self, row: models.Model) -> dict:
        """Why this stored row may not be changed, by column; none here."""
        return {}

    def write_batch(self, rows: list[models.Model], created: bool) -> None:
        model = self._meta.model
        if created:
            insert(rows)
        else:
            # An upsert of rows that exist: one statement, where bulk_update's CASE per row and
            # column costs milliseconds a row.
            model.objects.bulk_create(
                rows,
                batch_size=WRITE_BATCH,
                update_conflicts=True,
                unique_fields=["pk"],
                update_fields=self._updated_fields(),
            )
        insert_history(rows, by=self.user, update=not created)
        self._write_many(rows, created)
        if self.lines:
            self._write_lines(rows, created)

    def _updated_fields(self) -> list[str]:
        return self._content_fields()

    def _content_fields(self) -> list[str]:
        """The model's fields that the file's columns give, but the key."""
        names = {field.name for field in self._meta.model._meta.concrete_fields}
        return [
            attribute
            for attribute in self.attribute_columns()
            if attribute in names and attribute not in self._meta.import_id_fields
        ]

    def _write_many(self, rows: list[models.Model], created: bool) -> None:
        """Many-to-many values (a training's topics) as rows of their through tables."""
        for attribute in getattr(rows[0], "_import_many", {}):
            relation = self._meta.model._meta.get_field(attribute)
            through = relation.remote_field.through
            own, other = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            if not created:
                through.objects.filter(**{f"{own}__in": rows}).delete()
            insert(
                [
                    through(**{own: row, other: value})
                    for row in rows
                    for value in row._import_many[attribute]
                ]
            )

    def _write_lines(self, rows: list[models.Model], created: bool) -> None:
        """The records' lines, replacing those of updated records."""
        relation = self._meta.model._meta.get_field(self.lines.relation)
        line_model, parent = relation.related_model, relation.field.name
        if not created:
            line_model.objects.filter(**{f"{parent}__in": rows}).delete()
        lines = [line for row in rows for line in row._import_lines if line]
        insert(lines)
        if hasattr(line_model, "history"):
            insert_history(lines, by=self.user)

    # Export
    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        """The rows to export, with what their columns show fetched in the same query."""
        if not self.lines:
            return records
        relation = self._meta.model._meta.get_field(self.lines.relation)
        line_model = relation.related_model
        shown = [  # what the lines' columns show: a category, a person
            field.attribute
            for field in self._line_fields
            if line_model._meta.get_field(field.attribute).is_relation
        ]
        lines = line_model.objects.order_by("pk")
        if shown:  # select_related() with no names would follow every foreign key
            lines = lines.select_related(*shown)
        return records.prefetch_related(models.Prefetch(self.lines.relation, queryset=lines))

    def export_rows(self, record: models.Model) -> Iterator[list]:
        """The record's row; with lines, once per line (or once with empty line cells)."""
        row = [self.export_field(field, record) for field in self.get_export_fields()]
        if not self.lines:
            yield row
            return
        for line in getattr(record, self.lines.relation).all() or [None]:
            cells = [neutralise(field.export(line)) if line else "" for field in self._line_fields]
            yield row + cells


SITE = Column(
    "site",
    gettext_lazy("Site, by its code or its name; one of your sites."),
    "darien-office",
    required=True,
)


class SiteRowsResource(FileResource):
    """Rows of a site (records, people) by external ID, imported by its staff: into their own
    sites only, created in their name; an update raises the row's version, so that a form
    opened before the import is refused rather than overwriting it."""

    personal_data = False
    site_kind = ""  # the kind of site the rows happen at, when only one

    class Meta(FileResource.Meta):
        import_id_fields = ["external_id"]

    def __init__(self, user: User | None = None) -> None:
        super().__init__(user)
        self.fields["site"].widget = SiteWidget(user, self.site_kind)

    def stored_rows(self, keys: list[str]) -> models.QuerySet:
        """Two sites may number their rows alike: the importer's own come last, so that an
        external ID updates one of theirs rather than being refused as another site's."""
        rows = super().stored_rows(keys)
        if self.user is None or self.user.is_administrator:
            return rows
        return rows.order_by(Case(When(site__in=self.user.site_ids, then=1), default=0))

    def get_instance(self, instance_loader, row):
        """A row whose external ID is that of another site's is refused: importing it would
        overwrite what the importer may not even see."""
        instance = super().get_instance(instance_loader, row)
        if instance and self.user and not self.user.works_at(instance.site_id):
            raise ValidationError(
                {"external_id": _("This external ID belongs to a record of another site.")}
            )
        return instance

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        if new:
            instance.created_by = self.user

    def before_save_instance(self, instance, row, **kwargs) -> None:
        super().before_save_instance(instance, row, **kwargs)
        if instance.pk:
            instance.version += 1
        if not instance.external_id:  # an empty cell: named as a form's row is
            instance.external_id = new_external_id()

    def _updated_fields(self) -> list[str]:
        return [*super()._updated_fields(), "version"]


class RecordResource(SiteRowsResource):
    """A reviewable record as one row of a file, made with the person who imports and, for an
    administrator, whether to approve on import. Every row goes through the record's write
    path: who may change it (`may_edit`), the period lock, and the review steps it takes
    (`Reviewable.imported`), which the record writes, not the resource."""

    def __init__(self, user: User | None = None, approve: bool = False) -> None:
        super().__init__(user)
        if approve and not (user and user.is_administrator):
            raise PermissionDenied
        self.approve = approve
        self.source = ""  # the file, named on the review steps: its name and SHA-256
        self._locks: list[PeriodLock] | None = None

    def locks(self) -> list[PeriodLock]:
        if self._locks is None:
            self._locks = list(PeriodLock.objects.in_force())
        return self._locks

    def get_instance(self, instance_loader, row):
        """A stored record is changed only by who may edit it, and not in a locked period: why
        not is kept with it, and said if the file changes it (`change_refusal`)."""
        instance = super().get_instance(instance_loader, row)
        if instance is None:
            return None
        instance._refusal = {}
        if not instance.may_edit(self.user):
            instance._refusal = {"external_id": [instance.edit_refusal(self.user)]}
        elif instance.status == ReviewStatus.APPROVED:
            try:
                self._refuse_if_locked(instance)
            except ValidationError as error:
                instance._refusal = error.message_dict
        return instance

    def change_refusal(self, row: Reviewable) -> dict:
        """Who may not edit the record, or the lock of its period (as stored or as the file
        would make it), refuses a change; an unchanged record passes, changing nothing."""
        if row._refusal:
            return row._refusal
        try:
            self._refuse_if_locked(row, getattr(row, "_import_lines", []))
        except ValidationError as error:
            return error.message_dict
        return {}

    def _refuse_if_locked(self, record: Reviewable, lines: list | None = None) -> None:
        try:
            record._refuse_if_locked(self.locks(), lines)
        except PeriodLocked as error:
            raise ValidationError({record.period_field: str(error)}) from None

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        super().after_init_instance(instance, new, row, **kwargs)
        instance._status_before_import = ReviewStatus.DRAFT if new else instance.status

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """A new record in a locked period is refused at once; a stored one when written."""
        super().validate_instance(instance, import_validation_errors, validate_unique)
        if instance.pk is None:
            self._refuse_if_locked(instance, getattr(instance, "_import_lines", []))

    def _line(self, record: models.Model, row) -> models.Model | None:
        line = super()._line(record, row)
        if line is not None and record.pk is None:
            self._refuse_if_locked(record, [line])
        return line

    def before_save_instance(self, instance, row, **kwargs) -> None:
        super().before_save_instance(instance, row, **kwargs)
        instance.prepare_import(approve=self.approve)

    def _updated_fields(self) -> list[str]:
        model = self._meta.model
        return [
            *super()._updated_fields(),
            "status",
            "submitted_at",
            "updated_at",
            *model.COUNTED_FIELDS,
        ]

    def write_batch(self, rows: list[Reviewable], created: bool) -> None:
        if self.approve:
            for row in rows:
                row.freeze_counted_values(getattr(row, "_import_lines", []))
        super().write_batch(rows, created)
        self._meta.model.imported(rows, by=self.user, approve=self.approve, source=self.source)

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        return super().export_queryset(records).select_related("site")
