"""Speed and memory of imports and exports on PostgreSQL (issue 6). Not a test: run it by hand.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iompanama .venv/bin/python benchmarks/files.py

It creates a throwaway test database next to DATABASE_URL's, fills it, measures, and drops it:
- import of a 10,000-row CSV with full validation, history and review steps (rows/s);
- streamed CSV export of 100,000 rows (rows/s), its peak memory against 1,000,000 rows, and the
  ratio to PostgreSQL's own COPY ... TO STDOUT of the same rows;
- XLSX export of 100,000 rows in openpyxl's write-only mode (rows/s, peak memory).
Pass --quick to skip the million-row run.
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
    from iompanama import exports
    from iompanama.imports import import_rows, read_table
    from iompanama.models import Province, Site, User
    from iompanama.roles import Role

    site = Site.objects.create(
        code="darien-office", name="Darién", kind="office", province=Province.objects.first()
    )
    admin = User.objects.create_user("bench-admin", password="x")
    admin.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))

    # 1. Import of 10,000 rows: preview (validation) then confirm (writing), as the pages do.
    lines = ["external_id,site,date,channel,campaign,people_reached"]
    lines += [f"B-{n},darien-office,15/09/2023,facebook,Campaña {n},{n + 1}" for n in range(10_000)]
    content = "\n".join(lines).encode()
    for step, dry_run in (("preview", True), ("confirm", False)):
        started = time.perf_counter()
        report = import_rows(
            ReachResource(admin), read_table("bench.csv", content), dry_run=dry_run
        )
        elapsed = time.perf_counter() - started
        assert report.is_valid and report.created == 10_000, report.errors[:3]
        print(f"import 10,000 rows, {step}: {elapsed:.1f} s, {10_000 / elapsed:,.0f} rows/s")
    assert CommunicationReach.objects.count() == 10_000

    # 2. Streamed CSV export.
    fill(CommunicationReach, site, admin, 100_000)
    csv_rate, csv_peak = measure_csv(CommunicationReach, admin)
    copy_rate = measure_copy(CommunicationReach)
    print(f"CSV export of 100,000 rows: {csv_rate:,.0f} rows/s, peak {csv_peak / 1e6:.1f} MB")
    print(
        f"COPY ... TO STDOUT of the same rows: {copy_rate:,.0f} rows/s "
        f"(the export runs at {csv_rate / copy_rate:.0%} of it)"
    )

    # 3. XLSX export, write-only.
    resource = ReachResource(admin)
    tracemalloc.start()
    started = time.perf_counter()
    out = io.BytesIO()
    exports.write_xlsx(exports.rows_of(resource, CommunicationReach.objects.all()), out)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"XLSX export of 100,000 rows: {100_000 / elapsed:,.0f} rows/s, "
        f"peak {peak / 1e6:.1f} MB (file {out.tell() / 1e6:.1f} MB)"
    )

    if not QUICK:
        fill(CommunicationReach, site, admin, 900_000)
        rate, peak = measure_csv(CommunicationReach, admin)
        print(
            f"CSV export of 1,000,000 rows: {rate:,.0f} rows/s, peak {peak / 1e6:.1f} MB "
            f"({peak / csv_peak:.2f} × the peak of 100,000 rows)"
        )


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
    from activities.resources import ReachResource
    from iompanama import exports

    count = model.objects.count()
    tracemalloc.start()
    started = time.perf_counter()
    size = 0
    for line in exports.csv_lines(exports.rows_of(ReachResource(user), model.objects.all())):
        size += len(line)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count / elapsed, peak


def measure_copy(model) -> float:
    table = model._meta.db_table
    count = model.objects.count()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.connection  # psycopg's own connection
        with raw.cursor().copy(
            f"COPY (SELECT external_id, site_id, date, channel, campaign, people_reached "  # noqa: S608
            f"FROM {table}) TO STDOUT WITH CSV HEADER"
        ) as copy:
            for _block in copy:
                pass
    return count / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
