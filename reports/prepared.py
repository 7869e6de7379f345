"""The figures' queries built and compiled by Django once, then run with each period's dates.

Building an aggregate of a dozen filtered sums costs Django several times what PostgreSQL takes
to run it (issue 17): the figures of a quarter spent more time being built than being counted.
So each figure's query is written once, as a function of the user (its sites) that returns a
QuerySet whose dates are `Parameter`s; it is compiled on first use and kept, for its thread,
per set of sites it is scoped to (`sites_seen`, the rule of `for_user` itself). Each run binds
the dates and reads the rows anew, through Django's cursor and its converters: only the SQL
is kept, never a number.
"""

import datetime
import threading
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db.models import DateField, Expression, QuerySet, Value

from iompanama.models import User, sites_seen

KEPT = 1000  # compiled queries a thread keeps: a few dozen figures' queries for each scope


class Parameter(Expression):
    """A date the query is given each time it runs, where a built query has a constant."""

    output_field = DateField()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        return "%s", [self]


START, END = Parameter("start"), Parameter("end")
PREVIOUS_START, PREVIOUS_END = Parameter("previous_start"), Parameter("previous_end")
MONTH = Parameter("month")


def whole(queryset: QuerySet, **aggregates) -> QuerySet:
    """`queryset.aggregate(**aggregates)` as a query of one row: grouped by a constant, which
    groups nothing."""
    return queryset.values(whole=Value(1)).annotate(**aggregates).values(*aggregates).order_by()


class Compiled:
    def __init__(self, queryset: QuerySet) -> None:
        query = queryset.query
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        # What QuerySet.aggregate() gives when the scope holds no site: 0 counts, no sums.
        self.empty = {
            name: value.empty_result_set_value for name, value in query.annotation_select.items()
        }
        self.compiler = query.get_compiler(queryset.db)
        try:
            self.sql, self.params = self.compiler.as_sql()
        except EmptyResultSet:
            self.sql, self.params = None, ()

    def rows(self, dates: dict[str, datetime.date]) -> list[dict]:
        if self.sql is None:
            return []
        database = self.compiler.connection
        params = [
            value.output_field.get_db_prep_value(dates[value.name], database)
            if isinstance(value, Parameter)
            else value
            for value in self.params
        ]
        with database.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        return [
            dict(zip(self.names, row, strict=True)) for row in self.compiler.results_iter([fetched])
        ]


_kept = threading.local()


def compiled(build: Callable[..., QuerySet], user: User | None, *args) -> Compiled:
    """`build(user, *args)`'s query, compiled once per thread and per sites it is scoped to.
    `build` may depend on the user only through `for_user`: their sites are all the key says of
    them, and whoever sees the same sites is given the same query."""
    queries = _kept.__dict__.setdefault("queries", {})
    key = (build, args, None if user is None else sites_seen(user))
    if key not in queries:
        if len(queries) >= KEPT:
            queries.clear()
        queries[key] = Compiled(build(user, *args))
    return queries[key]


def rows(build: Callable[..., QuerySet], user: User | None, *args, **dates) -> list[dict]:
    """The rows of `build(user, *args)`'s query run with `dates` for its parameters."""
    return compiled(build, user, *args).rows(dates)


def one(build: Callable[..., QuerySet], user: User | None, *args, **dates) -> dict:
    """The one row of an aggregate over a whole query (`whole`), as QuerySet.aggregate()."""
    query = compiled(build, user, *args)
    found = query.rows(dates)
    return found[0] if found else query.empty


def forget() -> None:
    """Drops this thread's compiled queries: the next figures compile theirs again."""
    _kept.__dict__.pop("queries", None)
