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
