"""New rows written in bulk: a file's records, their lines, history and review steps.

On PostgreSQL through COPY, which the server loads several times faster than the INSERT of
`bulk_create` and which leaves the client little to do but send values; each row's key is
taken from its table's sequence first, as its history and review steps name it. Elsewhere
`bulk_create` and simple-history's `bulk_history_create`. As with those: no `save()`, no
signals.
"""

import datetime
import operator
from collections.abc import Callable, Iterable

from django.db import connections, models, router
from django.utils import timezone

BATCH = 1000  # rows at once where bulk_create sends them (SQLite's limit of parameters)


def insert(rows: list[models.Model]) -> None:
    """Saves `rows`, new rows of one model, each getting its primary key."""
    if not rows:
        return
    model = type(rows[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._base_manager.bulk_create(rows, batch_size=BATCH)
        return
    for row in rows:
        # A line made with its record before the record had its key takes the key now.
        row._prepare_related_fields_for_save(operation_name="insert")
    unnumbered = [row for row in rows if row.pk is None]
    for row, key in zip(unnumbered, _keys(model, len(unnumbered)), strict=True):
        row.pk = key
    fields, line = _lines_of(model._meta.concrete_fields, connection)
    _copy(model, fields, map(line, rows))
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias


def insert_values(model: type[models.Model], attnames: tuple[str, ...], rows: list[tuple]) -> None:
    """New rows of `model` given as values of these fields (by attname), for rows whose keys
    nobody reads back (review steps): not made as instances first, which would cost more than
    writing them. Each row's key comes from its table's default."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        made = [model(**dict(zip(attnames, values, strict=True))) for values in rows]
        model._base_manager.bulk_create(made, batch_size=BATCH)
        return
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    _copy(model, [by_attname[name] for name in attnames], rows)


def insert_history(rows: list[models.Model], *, by, update: bool = False) -> None:
    """The history rows of `rows` just written, as simple-history writes them: by `by` (or the
    row's `_history_user`), now, created or changed. On PostgreSQL made as values, not as
    instances of the history model, whose making cost more than their writing."""
    if not rows:
        return
    model = type(rows[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.history.bulk_history_create(rows, update=update, default_user=by)
        return
    history = model.history.model
    at, kind = timezone.now(), "~" if update else "+"
    own = {
        "history_date": lambda row: at,
        "history_change_reason": lambda row: "",
        "history_type": lambda row: kind,
        "history_user": lambda row: getattr(getattr(row, "_history_user", by), "pk", None),
    }
    tracked = {field.attname for field in history.tracked_fields}
    # Each row's key from the table's default: nobody reads it back.
    fields = [field for field in history._meta.concrete_fields if field != history._meta.pk]
    assert all(field.name in own or field.attname in tracked for field in fields), (
        "a history field neither tracked nor simple-history's"
    )
    fields, line = _lines_of(fields, connection, own, read_from=model)
    _copy(history, fields, map(line, rows))


def _keys(model: type[models.Model], count: int) -> list[int]:
    if not count:
        return []
    meta = model._meta
    with connections[router.db_for_write(model)].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [key for (key,) in cursor.fetchall()]


def _copy(model: type[models.Model], fields: list[models.Field], lines: Iterable[list]) -> None:
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for line in lines:
                copy.write_row(line)


def _lines_of(
    fields: list[models.Field],
    connection,
    own: dict[str, Callable] | None = None,
    read_from: type[models.Model] | None = None,
) -> tuple[list[models.Field], Callable[[models.Model], list]]:
    """The fields in the order COPY is given them, and how a row becomes its line: the values
    sent as they are (`_sent_as_is`) read in one call, then the others each prepared
    (`_value_of`) or computed by `own` (by field name). Reading each value in its own call was
    most of the time an import spent writing. `read_from`: the model of the rows, when not
    the fields' (a history row is read from its record, whose file is a text in history)."""
    own = own or {}
    read = {field.attname: field for field in (read_from or fields[0].model)._meta.concrete_fields}
    plain = [
        field
        for field in fields
        if field.name not in own and _sent_as_is(read.get(field.attname, field))
    ]
    others = [field for field in fields if field not in plain]
    get = operator.attrgetter(*(field.attname for field in plain))
    # attrgetter of several names gives a tuple, of one name its value: a tuple here.
    values_of = get if len(plain) > 1 else lambda row: (get(row),)
    prepared = [own.get(field.name) or _value_of(field, connection) for field in others]

    def line(row: models.Model) -> list:
        return [*values_of(row), *[value(row) for value in prepared]]

    return [*plain, *others], line


# What psycopg sends of these fields' values as Django would send them once prepared.
AS_THEY_ARE = {
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveBigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
}


def _sent_as_is(field: models.Field) -> bool:
    """Exactly one of those fields (a country is a CharField whose value is not text), and
    not one whose value is made on saving."""
    made_on_saving = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return type(field) in AS_THEY_ARE and not made_on_saving


def _value_of(field: models.Field, connection) -> Callable[[models.Model], object]:
    """How a row's field becomes what COPY sends: text, numbers, aware times and days as they
    are; the rest (a country, a day in a time's field, JSON) prepared as `bulk_create`
    prepares it; a file saved and a time of saving made, as `save` does."""
    computed = type(field).pre_save is not models.Field.pre_save  # auto_now, files
    attname = field.attname
    takes_days = not isinstance(field, models.DateTimeField)

    def value(row: models.Model):
        value = field.pre_save(row, True) if computed else getattr(row, attname)
        if value is None or isinstance(value, str | int):
            return value
        if isinstance(value, datetime.datetime):
            if value.tzinfo is not None:
                return value
        elif isinstance(value, datetime.date) and takes_days:
            return value
        return field.get_db_prep_save(value, connection)

    return value
