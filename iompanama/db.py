from django.db import DatabaseError

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
