"""Queries built and compiled by Django once, then run again and again: the figures with each
period's dates, the home pages' counts and the choice of the entries they show.

Building an aggregate of a dozen filtered sums, or a count of each of twenty-eight kinds and
statuses, costs Django several times what PostgreSQL takes to run it (issue 17). So such a
query is written once, as a function of the user (and of arguments such as an author's key)
that returns a QuerySet, or a `db.CappedCounts`, whose changing values are `db.Parameter`s; it
is compiled on first use and kept, for its thread, per arguments and per set of sites it is
scoped to (`sites_seen`, the rule of `for_user` itself). Each run binds the parameters and reads
the rows anew, through Django's cursor and its converters: only the SQL is kept, never a number.
"""

import threading
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet, Value

from iompanama.db import CappedCounts, Parameter, bind
from iompanama.models import User, sites_seen

KEPT = 2000  # compiled queries a thread keeps: some twenty for each set of sites, two a person

START, END = Parameter("start"), Parameter("end")
PREVIOUS_START, PREVIOUS_END = Parameter("previous_start"), Parameter("previous_end")
MONTH = Parameter("month")


def whole(queryset: QuerySet, **aggregates) -> QuerySet:
    """`queryset.aggregate(**aggregates)` as a query of one row: grouped by a constant, which
    groups nothing."""
    return queryset.values(whole=Value(1)).annotate(**aggregates).values(*aggregates).order_by()


class Compiled:
    """A QuerySet's SQL, its parameters and what reads its rows back (names, converters)."""

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

    def rows(self, values: dict) -> list[dict]:
        if self.sql is None:
            return []
        database = self.compiler.connection
        params = bind(self.params, values, database)
        with database.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        return [
            dict(zip(self.names, row, strict=True)) for row in self.compiler.results_iter([fetched])
        ]


_kept = threading.local()


def compiled(build: Callable, user: User | None, *args) -> "Compiled | CappedCounts":
    """`build(user, *args)`'s query, compiled once per thread, arguments and sites it is scoped
    to. `build` may depend on the user only through `for_user`: their sites are all the key says
    of them, and whoever sees the same sites is given the same query. Anything else it reads of
    them (their key, as an author) it takes as an argument, which is part of the key."""
    queries = _kept.__dict__.setdefault("queries", {})
    key = (build, args, None if user is None else sites_seen(user))
    if key not in queries:
        if len(queries) >= KEPT:
            queries.clear()
        made = build(user, *args)
        queries[key] = Compiled(made) if isinstance(made, QuerySet) else made
    return queries[key]


def rows(build: Callable[..., QuerySet], user: User | None, *args, **values) -> list[dict]:
    """The rows of `build(user, *args)`'s query run with `values` for its parameters."""
    return compiled(build, user, *args).rows(values)


def one(build: Callable[..., QuerySet], user: User | None, *args, **values) -> dict:
    """The one row of an aggregate over a whole query (`whole`), as QuerySet.aggregate()."""
    query = compiled(build, user, *args)
    found = query.rows(values)
    return found[0] if found else query.empty


def counts(build: Callable[..., CappedCounts], user: User | None, *args, **values) -> list[int]:
    """The counts of `build(user, *args)`'s querysets (`db.CappedCounts`)."""
    return compiled(build, user, *args).run(values)


def forget() -> None:
    """Drops this thread's compiled queries: the next ones compile again."""
    _kept.__dict__.pop("queries", None)
