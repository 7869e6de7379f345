"""Load test: signed-in users of mixed roles against gunicorn on a generated database. Not a test
of the suite and not run in CI; run it by hand on this machine (loopback only):

    .venv/bin/pip install -e ".[bench]"                      # locust
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/iompanama_load
    createdb -h 127.0.0.1 -U postgres iompanama_load
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_records 142857       # about 1,000,000 records
    DEBUG=false SECRET_KEY=load-test ALLOWED_HOSTS=127.0.0.1 SITE_URL=http://127.0.0.1:8000 \\
        SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \\
        .venv/bin/gunicorn iompanama.wsgi --workers 3 --bind 127.0.0.1:8000 &
    .venv/bin/locust -f benchmarks/locustfile.py --host http://127.0.0.1:8000 \\
        --headless --users 50 --spawn-rate 5 --run-time 90s
    THINK=0 .venv/bin/locust ...                              # the same mix with no think time

Three in four users are field staff (home, lists, a record, the person search, a new record sent
for review), one in four supervisors (home, the review queue, the figures page). Each waits 5 to
15 s between pages, as a person reads (THINK=0: not at all, for the highest rate).
"""

import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iompanama.settings")

PASSWORD = "load-test-password-2026"
THINK = between(5, 15) if os.environ.get("THINK", "1") != "0" else constant(0)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECRETS: dict[str, str] = {}  # username -> the hex key of their authenticator


@events.init.add_listener
def prepare_users(environment, **kwargs) -> None:
    """The generated users get a known password, and supervisors an authenticator whose codes
    this process computes, as a person's phone does."""
    import django

    django.setup()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from iompanama.models import User

    for user in User.objects.filter(username__in=["bench.field", "bench.supervisor"]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        if user.has_role("supervisor"):
            device, _created = TOTPDevice.objects.get_or_create(
                user=user, name="load test", defaults={"confirmed": True}
            )
            SECRETS[user.username] = device.key


class SignedIn(HttpUser):
    abstract = True
    wait_time = THINK
    username = ""

    def on_start(self) -> None:
        self.post_form("/accounts/login/", {"username": self.username, "password": PASSWORD})
        if self.username in SECRETS:
            from django_otp.oath import totp

            code = f"{totp(bytes.fromhex(SECRETS[self.username])):06d}"
            response = self.client.get("/", name="(second step)")
            self.post_form(response.url, {"code": code}, name="(second step)")

    def post_form(self, url: str, data: dict, name: str | None = None):
        page = self.client.get(url, name=name)
        token = CSRF.search(page.text)
        data = {"csrfmiddlewaretoken": token.group(1) if token else ""} | data
        return self.client.post(url, data, headers={"Referer": page.url}, name=name)


class FieldStaff(SignedIn):
    weight = 3
    username = "bench.field"

    @task(4)
    def home(self) -> None:
        self.client.get("/")

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
        page = self.client.get("/activities/reach/new/")
        site = re.search(r'<option value="(\d+)" selected', page.text)
        self.post_form(
            "/activities/reach/new/",
            {
                "site": site.group(1) if site else "",
                "date": "2026-11-30",
                "channel": "facebook",
                "campaign": "Carga",
                "people_reached": "10",
                "action": "submit",
            },
        )


class Supervisor(SignedIn):
    weight = 1
    username = "bench.supervisor"

    @task(3)
    def home(self) -> None:
        self.client.get("/")

    @task(3)
    def queue(self) -> None:
        self.client.get("/review/")

    @task(1)
    def figures(self) -> None:
        self.client.get("/reports/figures/")
