import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-of-enough-length-and-variety-0123456789-!@#$",
    "ALLOWED_HOSTS": "iom.example.org",
    "SITE_URL": "https://iom.example.org",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class ProductionSettingsTest(SimpleTestCase):
    def test_check_deploy_reports_nothing_with_production_settings(self) -> None:
        result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_production_refuses_to_start_without_a_secret_key(self) -> None:
        env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
        result = _manage("check", **env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY is required", result.stderr)

    def test_production_refuses_to_start_without_allowed_hosts(self) -> None:
        env = {key: value for key, value in PRODUCTION.items() if key != "ALLOWED_HOSTS"}
        result = _manage("check", **env)
        self.assertIn("ALLOWED_HOSTS is required", result.stderr)

    def test_a_malformed_boolean_is_refused_with_its_name(self) -> None:
        result = _manage("check", DEBUG="maybe")
        self.assertIn("DEBUG must be true or false", result.stderr)


class DatabaseChecksTest(SimpleTestCase):
    def test_the_checks_against_the_database_report_nothing(self) -> None:
        # `migrate` runs these: the figures' covering indexes warned on SQLite, which builds
        # them without their included columns.
        result = _manage("check", "--database", "default", "--fail-level", "WARNING")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("no issues", result.stdout)


class PlannerSettingTest(SimpleTestCase):
    """PostgreSQL's connections weigh a page read out of order as SSD or memory make it: with
    the spinning-disk default the figures of a year took twice as long."""

    def options(self, **env: str) -> str:
        shown = (
            "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))"
        )
        result = _manage("shell", "-c", shown, **env)
        return result.stdout.strip().splitlines()[-1] if result.returncode == 0 else result.stderr

    def test_postgresql_connections_read_pages_as_on_ssd(self) -> None:
        pg = "postgres://postgres@127.0.0.1:5432/any"
        self.assertIn("'-c random_page_cost=1.1'", self.options(DATABASE_URL=pg))
        tuned = self.options(DATABASE_URL=pg, DATABASE_RANDOM_PAGE_COST="2")
        self.assertIn("'-c random_page_cost=2.0'", tuned)
        with_its_own = self.options(DATABASE_URL=f"{pg}?options=-c%20statement_timeout%3D5000")
        self.assertIn("'-c statement_timeout=5000 -c random_page_cost=1.1'", with_its_own)
        refused = self.options(DATABASE_URL=pg, DATABASE_RANDOM_PAGE_COST="1; DROP")
        self.assertIn("DATABASE_RANDOM_PAGE_COST must be a number", refused)

    def test_sqlite_has_no_such_option(self) -> None:
        self.assertEqual(self.options(DATABASE_URL="sqlite:///:memory:"), "{}")
