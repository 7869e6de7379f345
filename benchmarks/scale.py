"""Pages against the size of the data, on PostgreSQL (issue 17). Not a test: run it by hand.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iompanama .venv/bin/python benchmarks/scale.py
    ... benchmarks/scale.py 10000 100000      # only these scales (total records)
    ... benchmarks/scale.py --existing        # DATABASE_URL's records as they are, e.g. a
                                              # database made by `generate_records`

It creates a throwaway database next to DATABASE_URL's, generates the records with the
`generate_records` command (bulk inserts, rows as the review workflow leaves them: 9 in 10
approved, with their review steps, counted values and lines), and at each scale prints, for each
page, its queries and its median server time over five requests (Django's test client, no
network), then each figure of the staff page for a quarter and a year against the same figure
computed by hand-written SQL (benchmarks/hand_sql.py). The scales are cumulative: 10,000 then
100,000 then 1,000,000 records in all, spread evenly over the seven kinds of record (and their
people and lines).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iompanama.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from iompanama.roles import Role  # noqa: E402

KINDS = 7
SCALES = [int(arg) for arg in sys.argv[1:] if arg.isdigit()] or [10_000, 100_000, 1_000_000]
RUNS = 5


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the figures are PostgreSQL's.")
    # Not setup_test_environment(): it makes every template render send a signal for the
    # tests' sake, a fifth of a list page's time that no server spends. The client's host is
    # all it is needed for.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    if "--existing" in sys.argv:  # records generated before (generate_records), kept
        measure_all(f"{connection.settings_dict['NAME']} as it is")
        return
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    print(f"database: {name} (PostgreSQL {connection.cursor().connection.info.server_version})")
    try:
        run()
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def run() -> None:
    from iompanama.management.commands.generate_records import generate

    done = 0
    for scale in SCALES:
        started = time.perf_counter()
        generate((scale - done) // KINDS, seed=scale, progress=lambda _line: None)
        done = scale
        with connection.cursor() as cursor:
            # As autovacuum leaves a table after bulk inserts: statistics, and the visibility
            # map without which index-only scans visit the table anyway.
            cursor.execute("VACUUM ANALYZE")
        measure_all(f"{scale:,} records (generated in {time.perf_counter() - started:.0f} s)")


def measure_all(title: str) -> None:
    print(f"\n## {title}")
    print("| page | queries | median ms |\n| --- | --- | --- |")
    for label, user, url in pages():
        queries, milliseconds = measure(user, url)
        print(f"| {label} | {queries} | {milliseconds:.0f} |")
    compare_figures()


def pages() -> list[tuple[str, str, str]]:
    from cases.models import LegalOrientationCase
    from iompanama.access import reviewable_models
    from iompanama.models import User

    today = timezone.localdate()
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    case = LegalOrientationCase.objects.for_user(User.objects.get(username="bench.field")).first()
    drill_down = (
        f"{reverse('cases:legal_list')}?status=approved&dates_of=sessions__date"
        f"&date_from={quarter_start}&date_to={today}"
    )
    return [
        ("field staff home", "bench.field", reverse("home")),
        ("supervisor home", "bench.supervisor", reverse("home")),
        ("review queue", "bench.supervisor", reverse("review_queue")),
        ("new legal case form", "bench.field", reverse("cases:legal_create")),
        ("person search", "bench.field", f"{reverse('cases:people_search')}?q=perez"),
        ("beneficiaries list", "bench.field", reverse("cases:beneficiary_list")),
        *(
            (f"{model._meta.verbose_name_plural} list", "bench.field", model.list_url())
            for model in reviewable_models().values()
        ),
        ("legal case page", "bench.field", case.get_absolute_url()),
        ("figures, quarter", "bench.supervisor", reverse("reports:figures")),
        (
            "figures, year",
            "bench.supervisor",
            f"{reverse('reports:figures')}?start={today.replace(month=1, day=1)}&end={today}",
        ),
        ("drill-down: legal cases by session date", "bench.supervisor", drill_down),
    ]


def measure(username: str, url: str) -> tuple[int, float]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from iompanama.models import User
    from tests.personas import SignedInClient

    user = User.objects.get(username=username)
    if user.has_role(Role.SUPERVISOR):  # signed in with both steps, as supervisors must
        TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client = SignedInClient()
    client.force_login(user)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return len(queries), 1000 * statistics.median(times)


def compare_figures() -> None:
    """Each figure of the staff page (of the supervisor's sites) against the same figure by
    hand-written SQL (benchmarks/hand_sql.py), best of five, for a quarter and for a year so
    far; then the whole factsheet for the public (every site), and the first figures of a
    process, which compile their queries (iompanama/prepared.py)."""
    from hand_sql import SECTIONS

    from iompanama import prepared
    from iompanama.models import User
    from reports.figures import Period, factsheet
    from reports.sections import SECTIONS as FIGURES

    user = User.objects.get(username="bench.supervisor")
    today = timezone.localdate()
    periods = {
        "quarter": Period(Period.quarter_of(today).start, today),
        "year": Period(today.replace(month=1, day=1), today),
    }
    rows = {key: [] for key in SECTIONS}
    for period in periods.values():
        earlier = period.previous_year()
        params = {
            "start": period.start,
            "end": period.end,
            "previous_start": earlier.start,
            "previous_end": earlier.end,
            "sites": sorted(user.site_ids),
        }
        for key, statements in SECTIONS.items():
            ours = best(lambda key=key, period=period: FIGURES[key].figures(period, user=user))
            by_hand = best(lambda statements=statements, params=params: run_sql(statements, params))
            rows[key].append((ours, by_hand))
    print("\n| figure (staff page) | quarter ms | by hand | ratio | year ms | by hand | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    # The page computes them all: their sum against the sum by hand is the page's ratio.
    rows["all figures"] = [
        tuple(sum(timing[index][side] for timing in rows.values()) for side in (0, 1))
        for index in range(len(periods))
    ]
    for key, timings in rows.items():
        cells = " | ".join(
            f"{ours * 1000:.1f} | {by_hand * 1000:.1f} | {ours / by_hand:.2f}×"
            for ours, by_hand in timings
        )
        print(f"| {key} | {cells} |")
    for label, period in periods.items():
        whole = best(lambda period=period: factsheet(period))
        print(f"public factsheet's figures for a {label}: {whole * 1000:.0f} ms")
    # The first figures of a process (or of a new set of sites) compile their queries.
    prepared.forget()
    started = time.perf_counter()
    factsheet(periods["quarter"], user)
    print(f"first figures of a process, compiling: {(time.perf_counter() - started) * 1000:.0f} ms")


def run_sql(statements: list[str], params: dict) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
            rows = cursor.fetchall()
            if not rows or not rows[0][0]:  # no record: the figure is "no data"
                return
            params = {"first": rows[0][0], **params}


def best(work) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


if __name__ == "__main__":
    main()
