"""Pages against the size of the data, on PostgreSQL (issue 17). Not a test: run it by hand.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iompanama .venv/bin/python benchmarks/scale.py
    ... benchmarks/scale.py 10000 100000      # only these scales (total records)
    ... benchmarks/scale.py --existing        # DATABASE_URL's records as they are, e.g. a
                                              # database made by `generate_records`

It creates a throwaway database next to DATABASE_URL's, generates the records with the
`generate_records` command (bulk inserts, rows as the review workflow leaves them: 9 in 10
approved, with their review steps, counted values and lines), and at each scale prints, for each
page, its queries and its median server time over five requests (Django's test client, no
network), then the staff figures for a quarter and a year against the same figures computed by
hand-written SQL. The scales are cumulative: 10,000 then 100,000 then 1,000,000 records in all,
spread evenly over the seven kinds of record (and their people and lines).
"""

import datetime
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
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from iompanama.roles import Role  # noqa: E402

KINDS = 7
SCALES = [int(arg) for arg in sys.argv[1:] if arg.isdigit()] or [10_000, 100_000, 1_000_000]
RUNS = 5


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the figures are PostgreSQL's.")
    setup_test_environment()
    settings.DEBUG = False
    if "--existing" in sys.argv:
        print(f"database: {connection.settings_dict['NAME']}, as it is")
        pages_table()
        compare_figures()
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
            cursor.execute("ANALYZE")
        print(f"\n## {scale:,} records (generated in {time.perf_counter() - started:.0f} s)")
        pages_table()
        compare_figures()


def pages_table() -> None:
    print("| page | queries | median ms |\n| --- | --- | --- |")
    for label, user, url in pages():
        queries, milliseconds = measure(user, url)
        print(f"| {label} | {queries} | {milliseconds:.0f} |")


def pages() -> list[tuple[str, str, str]]:
    from cases.models import LegalOrientationCase
    from iompanama.access import reviewable_models
    from iompanama.models import User

    today = datetime.date.today()
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


# Legal orientation, by hand: distinct people with an approved case and a session in the period,
# by topic and by the sex counted at approval: what figures.legal_orientation computes.
LEGAL_SQL = """
SELECT COUNT(DISTINCT c.beneficiary_id),
       COUNT(DISTINCT c.beneficiary_id) FILTER (WHERE s.topic_migration),
       COUNT(DISTINCT c.beneficiary_id) FILTER (WHERE s.topic_work),
       COUNT(DISTINCT c.beneficiary_id) FILTER (WHERE s.topic_family),
       COUNT(DISTINCT c.beneficiary_id) FILTER (WHERE c.counted_sex = 'female'),
       COUNT(DISTINCT c.beneficiary_id) FILTER (WHERE c.counted_sex = 'male'),
       COUNT(DISTINCT c.beneficiary_id) FILTER (WHERE c.counted_sex = 'other')
FROM cases_counsellingsession s JOIN cases_legalorientationcase c ON c.id = s.case_id
WHERE c.status = 'approved' AND s.date BETWEEN %s AND %s
"""


def compare_figures() -> None:
    from reports.figures import Period, factsheet, legal_orientation

    today = datetime.date.today()
    for label, period in (
        ("quarter", Period.quarter_of(today)),
        ("year", Period(today.replace(month=1, day=1), today)),
    ):
        whole = best(lambda period=period: factsheet(period))
        ours = best(lambda period=period: legal_orientation(period))
        with connection.cursor() as cursor:
            by_hand = best(
                lambda cursor=cursor, period=period: cursor.execute(
                    LEGAL_SQL, [period.start, period.end]
                )
            )
        print(
            f"\nfactsheet for a {label}: {whole * 1000:.0f} ms; legal orientation "
            f"{ours * 1000:.1f} ms, hand-written SQL {by_hand * 1000:.1f} ms "
            f"({ours / by_hand:.2f}×)"
        )


def best(work) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


if __name__ == "__main__":
    main()
