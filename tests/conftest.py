from django.conf import settings


def pytest_configure() -> None:
    # Tests create many users; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A persistent connection of the browser tests' server thread would keep PostgreSQL from
    # dropping the test database at the end.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
