import shutil
import tempfile

import pytest
from django.conf import settings


def pytest_configure() -> None:
    # Tests create many users; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A persistent connection of the browser tests' server thread would keep PostgreSQL from
    # dropping the test database at the end.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Uploaded files (receipts, attendance sheets) go to a directory removed at the end, never
    # into the repository.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="iompanama-test-media-")


def pytest_unconfigure() -> None:
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def no_compiled_queries() -> None:
    """Each test starts as a new process does, with no query compiled (iompanama.prepared): one
    compiled under another test's patched constant (COUNTED_UP_TO) would outlive the patch."""
    from iompanama import prepared

    prepared.forget()
