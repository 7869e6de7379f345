"""Speed and memory of imports and exports on PostgreSQL (issue 6). Not a test: run it by hand.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iompanama .venv/bin/python benchmarks/files.py

It creates a throwaway test database next to DATABASE_URL's, fills it, measures, and drops it:
- import of a 10,000-row CSV with full validation, history and review steps (rows/s);
- streamed CSV export of 100,000 rows (rows/s), its peak memory against 1,000,000 rows, and the
  ratio to PostgreSQL's own COPY ... TO STDOUT of the same rows;
- XLSX export of 100,000 rows in openpyxl's write-only mode (rows/s, peak memory).
Each export is timed without tracemalloc (which slows Python down several times), the best of
three runs, then run again with tracemalloc on to measure its peak memory. Pass --quick to skip
the million-row run and --exports-only to skip the import.
"""

import datetime
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iompanama.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

QUICK = "--quick" in sys.argv
EXPORTS_ONLY = "--exports-only" in sys.argv


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the figures are PostgreSQL's.")
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    print(f"database: {name} (PostgreSQL {connection.cursor().connection.info.server_version})")
    try:
        run()
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def run() -> None:
    from activities.models import CommunicationReach
    from activities.resources import ReachResource
    from iompanama.files import exports
    from iompanama.models import Province, Site, User
    from iompanama.roles import Role

    site = Site.objects.create(
        code="darien-office", name="Darién", kind="office", province=Province.objects.first()
    )
    admin = User.objects.create_user("bench-admin", password="x")
    admin.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))

    if not EXPORTS_ONLY:
        measure_import(CommunicationReach, admin)

    # 2. Streamed CSV export.
    fill(CommunicationReach, site, admin, 100_000)
    count = CommunicationReach.objects.count()
    csv_rate, csv_peak = measure_csv(CommunicationReach, admin)
    copy_rate = measure_copy(CommunicationReach)
    print(f"CSV export of {count:,} rows: {csv_rate:,.0f} rows/s, peak {csv_peak / 1e6:.1f} MB")
    print(
        f"COPY ... TO STDOUT of the same rows and columns: {copy_rate:,.0f} rows/s "
        f"(the export runs at {csv_rate / copy_rate:.0%} of it)"
    )
    table_rate = measure_copy(CommunicationReach, export_like=False)
    print(
        f"COPY ... TO STDOUT of the table, no join nor order: {table_rate:,.0f} rows/s "
        f"(the export runs at {csv_rate / table_rate:.0%} of it)"
    )

    # 3. XLSX export, write-only.
    def export_xlsx() -> int:
        out = io.BytesIO()
        rows = exports.rows_of(ReachResource(admin), CommunicationReach.objects.all())
        exports.write_xlsx(rows, out)
        return out.tell()

    elapsed, size = timed(export_xlsx)
    peak = peak_memory(export_xlsx)
    print(
        f"XLSX export of {count:,} rows: {count / elapsed:,.0f} rows/s, "
        f"peak {peak / 1e6:.1f} MB (file {size / 1e6:.1f} MB)"
    )

    if not QUICK:
        fill(CommunicationReach, site, admin, 1_000_000 - count)
        count = CommunicationReach.objects.count()
        rate, peak = measure_csv(CommunicationReach, admin)
        print(
            f"CSV export of {count:,} rows: {rate:,.0f} rows/s, peak {peak / 1e6:.1f} MB "
            f"({peak / csv_peak:.2f} × the peak of the smaller export)"
        )


def measure_import(model, admin) -> None:
    """Import of 10,000 rows: preview (validation) then confirm (writing), as the pages do,
    then the same file again (every row an update)."""
    from activities.resources import ReachResource
    from iompanama.files.imports import import_rows, read_table

    lines = ["external_id,site,date,channel,campaign,people_reached"]
    lines += [f"B-{n},darien-office,15/09/2023,facebook,Campaña {n},{n + 1}" for n in range(10_000)]
    content = "\n".join(lines).encode()
    steps = (("preview", True, 10_000), ("confirm", False, 10_000), ("again: updates", False, 0))
    for step, dry_run, created in steps:
        started = time.perf_counter()
        report = import_rows(
            ReachResource(admin), read_table("bench.csv", content), dry_run=dry_run
        )
        elapsed = time.perf_counter() - started
        assert report.is_valid and report.created == created, report.errors[:3]
        print(f"import 10,000 rows, {step}: {elapsed:.1f} s, {10_000 / elapsed:,.0f} rows/s")
    assert model.objects.count() == 10_000


def fill(model, site, author, count: int) -> None:
    """`count` more approved rows, straight into the table (what is measured is the export)."""
    rows = (
        model(
            site=site,
            created_by=author,
            status="approved",
            date=datetime.date(2023, 9, 1) + datetime.timedelta(days=n % 300),
            channel="web",
            campaign=f"=Campaña {n}" if n % 10 == 0 else f"Campaña {n}",
            people_reached=n + 1,
        )
        for n in range(count)
    )
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 10_000:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)


def measure_csv(model, user) -> tuple[float, int]:
    """Rows per second of the streamed CSV export, and its peak memory in bytes."""
    from activities.resources import ReachResource
    from iompanama.files import exports

    def export_csv() -> int:
        chunks = exports.csv_chunks(ReachResource(user), model.objects.all())
        return sum(len(chunk) for chunk in chunks)

    elapsed, _size = timed(export_csv)
    return model.objects.count() / elapsed, peak_memory(export_csv)


def timed(export, times: int = 3) -> tuple[float, object]:
    """The best of `times` runs of `export`, in seconds, without tracemalloc slowing it down
    (the machine is shared: the best run is the one least disturbed), and what it returns."""
    best = float("inf")
    for _time in range(times):
        started = time.perf_counter()
        result = export()
        best = min(best, time.perf_counter() - started)
    return best, result


def peak_memory(export) -> int:
    """The peak of memory allocated by Python while `export` runs again, in bytes."""
    tracemalloc.start()
    try:
        export()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def measure_copy(model, export_like: bool = True) -> float:
    """Rows per second of PostgreSQL's own CSV of the same rows: with the export's columns,
    join and order, or (export_like=False) the table's columns as they are, unordered."""
    from iompanama.models import Site

    table, sites = model._meta.db_table, Site._meta.db_table
    if export_like:
        query = (
            f"SELECT r.external_id, s.code, r.date, r.channel, r.campaign, "  # noqa: S608
            f"r.people_reached FROM {table} r JOIN {sites} s ON s.id = r.site_id "
            f"ORDER BY r.date DESC, r.id DESC"
        )
    else:
        query = f"SELECT external_id, site_id, date, channel, campaign, people_reached FROM {table}"  # noqa: S608

    def copy_csv() -> None:
        with connection.cursor() as cursor:
            raw = cursor.connection  # psycopg's own connection
            with raw.cursor().copy(f"COPY ({query}) TO STDOUT WITH CSV HEADER") as copy:
                for _block in copy:
                    pass

    elapsed, _result = timed(copy_csv)
    return model.objects.count() / elapsed


if __name__ == "__main__":
    main()
