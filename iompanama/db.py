from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections
from django.db.models import DateField, Expression, Field, IntegerField, QuerySet, Subquery
from django.db.models.lookups import In

# PostgreSQL's "read_only_sql_transaction": a standby, or default_transaction_read_only set for
# maintenance.
READ_ONLY_SQLSTATE = "25006"


def is_read_only(error: DatabaseError) -> bool:
    """Whether the database refused a write because it is read-only (not a bug of ours)."""
    cause = error.__cause__
    return (
        getattr(cause, "sqlstate", None) == READ_ONLY_SQLSTATE
        or "readonly database" in str(error)  # SQLite
    )


# How far the pages that count what waits on people count: past it they say "more than 1,000".
COUNTED_UP_TO = 1000


class Parameter(Expression):
    """A value a compiled query is given each time it runs (iompanama.prepared), where a query
    built for one run has a constant: a period's start, how long a record has waited."""

    def __init__(self, name: str, output_field: Field | None = None) -> None:
        super().__init__(output_field=output_field or DateField())
        self.name = name

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        return "%s", [self]


def bind(params: list, values: dict, connection) -> list:
    """`params` of a compiled query with each Parameter's value from `values`."""
    return [
        param.output_field.get_db_prep_value(values[param.name], connection)
        if isinstance(param, Parameter)
        else param
        for param in params
    ]


class CappedCounts:
    """How many rows each of `querysets` has, all in one query, counting no further than
    `up_to` (by default COUNTED_UP_TO) + 1: each count reads at most that many rows through its
    index, whatever the size of the table, where COUNT(*) would read every matching row. A
    count above `up_to` means "more than that" (the `count_up_to` filter shows it so). Compiled
    once, run as often as asked (the home pages keep theirs: iompanama.prepared)."""

    def __init__(self, querysets: list[QuerySet], up_to: int | None = None) -> None:
        up_to = COUNTED_UP_TO if up_to is None else up_to
        parts, self.params = [], []
        for number, queryset in enumerate(querysets):
            counted = queryset.order_by().values("pk")[: up_to + 1]
            try:
                sql, part_params = counted.query.get_compiler(queryset.db).as_sql()
            except EmptyResultSet:  # .none(), or IN an empty list: nothing to count
                sql, part_params = "SELECT 1 WHERE 1 = 0", ()
            # Only the ORM's own SQL, its values passed as parameters.
            parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{number})")  # noqa: S608
            self.params.extend(part_params)
        self.sql = f"SELECT {', '.join(parts)}" if parts else ""
        self.database = querysets[0].db if querysets else None

    def run(self, values: dict | None = None) -> list[int]:
        """The counts, with `values` for the querysets' Parameters."""
        if not self.sql:
            return []
        database = connections[self.database]
        with database.cursor() as cursor:
            cursor.execute(self.sql, bind(self.params, values or {}, database))
            return list(cursor.fetchone())


def capped_counts(querysets: list[QuerySet], up_to: int | None = None) -> list[int]:
    """`CappedCounts` of `querysets`, compiled and run once."""
    return CappedCounts(querysets, up_to).run()


class SubqueryCount(Subquery):
    """How many rows a correlated queryset has (`rows.filter(case=OuterRef("pk"))`), as a
    subquery: unlike Count() over a join, it adds no GROUP BY to the outer query, so that an
    ORDER BY ... LIMIT there can stop after the rows it shows instead of grouping them all."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, rows: QuerySet) -> None:
        super().__init__(rows.order_by())  # counted, the rows' default order is only a sort


@Field.register_lookup
class AnyOf(In):
    """`field__any_of=values`, what `__in` means; on PostgreSQL the values go as one array
    (`= ANY(%s)`) rather than one parameter each, whose thousands (the keys a file names) took
    longer to write into the query, send and parse than the query took to run."""

    lookup_name = "any_of"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection) for value in self.rhs]
        return f"{lhs} = ANY(%s)", [*lhs_params, values]
