"""Load test: signed-in users of mixed roles against gunicorn on a generated database. Not a test
of the suite and not run in CI; run it by hand on this machine (loopback only):

    .venv/bin/pip install -e ".[bench]"                      # locust
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/iompanama_load
    createdb -h 127.0.0.1 -U postgres iompanama_load
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_records 142857       # about 1,000,000 records
    psql -h 127.0.0.1 -U postgres iompanama_load -c ANALYZE   # plans for the new rows
    export DEBUG=false SECRET_KEY=load-test-not-a-secret-0123456789abcdef ALLOWED_HOSTS=127.0.0.1 \\
        SITE_URL=http://127.0.0.1:8000 SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false \\
        CSRF_COOKIE_SECURE=false
    .venv/bin/python manage.py collectstatic --no-input    # DEBUG=false serves the manifest's
    .venv/bin/gunicorn iompanama.wsgi --workers 3 --bind 127.0.0.1:8000 &
    .venv/bin/locust -f benchmarks/locustfile.py --host http://127.0.0.1:8000 \\
        --headless --users 50 --spawn-rate 5 --run-time 90s --only-summary
    THINK=0 .venv/bin/locust ...                              # the same mix with no think time

Three in four users are field staff (home, record lists, the person search, a new record sent
for review), one in four supervisors (home, the review queue, the figures page). Each signs in
as one of the accounts `generate_records` made (bench.field…, bench.supervisor…: several per
site), supervisors with a code of an authenticator this process holds, and waits 5 to 15 s
between pages, as a person reads (THINK=0: not at all, for the highest rate). Signing in hashes
the password on purpose slowly: the statistics restart once every user has signed in (see
`measure_pages_from_now`), so that the pages are measured signed in, as they are used.
"""

import datetime
import itertools
import os
import random
import re
import sys
import time
from pathlib import Path

from locust import HttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iompanama.settings")

PASSWORD = "load-test-password-2026"
THINK = between(5, 15) if os.environ.get("THINK", "1") != "0" else constant(0)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
SITE = re.compile(r'<option value="(\d+)" selected')
TOTP_STEP = 30  # seconds: django-otp's default, which the generated devices keep

SECRETS: dict[str, str] = {}  # username -> the hex key of their authenticator
ACCOUNTS: dict[str, itertools.cycle] = {}  # role -> the accounts users of that role take in turn
LAST_STEP: dict[str, int] = {}  # username -> the time step of the last code used to sign in
SIGNED_IN: list[str] = []  # one entry per user who has signed in


@events.init.add_listener
def prepare_users(environment, **kwargs) -> None:
    """The generated users get a known password (hashed once: hashing is slow on purpose), and
    supervisors an authenticator whose codes this process computes, as a person's phone does."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from iompanama.models import User

    generated = User.objects.filter(username__startswith="bench.").order_by("username")
    generated.update(password=make_password(PASSWORD))
    for role in ("field", "supervisor"):
        names = [user.username for user in generated if user.username.startswith(f"bench.{role}")]
        ACCOUNTS[role] = itertools.cycle(names)
    for user in generated.filter(username__startswith="bench.supervisor"):
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, name="load test", defaults={"confirmed": True}
        )
        SECRETS[user.username] = device.key


def measure_pages_from_now(stats) -> None:
    """Fifty people signing in at once is a storm that hashing passwords (slow on purpose)
    makes long, and not what the pages are measured in: its figures are printed, then the
    statistics restart with every user signed in."""
    for (name, method), entry in sorted(stats.entries.items()):
        print(
            f"sign-in phase: {method} {name}: {entry.num_requests} requests, "
            f"{entry.num_failures} failed, median {entry.median_response_time} ms, "
            f"95% {entry.get_response_time_percentile(0.95)} ms"
        )
    stats.reset_all()


class SignedIn(HttpUser):
    abstract = True
    wait_time = THINK
    role = ""

    def on_start(self) -> None:
        self.username = next(ACCOUNTS[self.role])
        self.post_form("/accounts/login/", {"username": self.username, "password": PASSWORD})
        if self.username in SECRETS:
            code = self.next_code()
            response = self.client.get("/", name="(second step)")
            self.post_form(response.url, {"code": code}, name="(second step)")
        SIGNED_IN.append(self.username)
        runner = self.environment.runner
        if len(SIGNED_IN) == runner.target_user_count:
            measure_pages_from_now(runner.stats)

    def next_code(self) -> str:
        """A code of the account's authenticator. A code is accepted once: users sharing an
        account wait for the next one, as two people at one phone would."""
        from django_otp.oath import totp

        step = int(time.time()) // TOTP_STEP
        while LAST_STEP.get(self.username, -1) >= step:
            time.sleep((step + 1) * TOTP_STEP - time.time() + 0.5)  # gevent's, under locust
            step = int(time.time()) // TOTP_STEP
        LAST_STEP[self.username] = step
        return f"{totp(bytes.fromhex(SECRETS[self.username]), step=TOTP_STEP):06d}"

    def post_form(self, url: str, data: dict, name: str | None = None):
        """Posts `data` with the form's hidden fields (the CSRF token, a new record's one-time
        token and version), as the browser would."""
        page = self.client.get(url, name=name)
        hidden = dict(HIDDEN.findall(page.text))
        return self.client.post(url, hidden | data, headers={"Referer": page.url}, name=name)


class FieldStaff(SignedIn):
    weight = 3
    role = "field"

    @task(4)
    def home(self) -> None:
        self.client.get("/", name="field staff home")

    @task(3)
    def a_list(self) -> None:
        lists = ["/cases/legal/", "/activities/reach/", "/activities/donations/"]
        path = random.choice(lists)  # noqa: S311 - which page to load, not a secret
        self.client.get(path, name="(record list)")

    @task(2)
    def search_a_person(self) -> None:
        self.client.get("/cases/beneficiaries/search/?q=perez", name="(person search)")

    @task(1)
    def send_a_record(self) -> None:
        page = self.client.get("/activities/reach/new/", name="new record form")
        site = SITE.search(page.text)
        data = {
            "site": site.group(1) if site else "",
            "date": str(datetime.date.today() - datetime.timedelta(days=1)),  # past in Panama too
            "channel": "facebook",
            "campaign": "Carga",
            "people_reached": "10",
            "action": "submit",
        }
        hidden = dict(HIDDEN.findall(page.text))
        with self.client.post(
            "/activities/reach/new/",
            hidden | data,
            headers={"Referer": page.url},
            name="new record sent",
            catch_response=True,
        ) as response:
            # Saved, it redirects to the record; refused, the form comes back with its errors.
            if "/activities/reach/new/" in response.url:
                response.failure("the form was refused")


class Supervisor(SignedIn):
    weight = 1
    role = "supervisor"

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="supervisor home")

    @task(3)
    def queue(self) -> None:
        self.client.get("/review/", name="review queue")

    @task(1)
    def figures(self) -> None:
        self.client.get("/reports/figures/", name="figures page")
