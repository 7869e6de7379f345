"""Settings: everything from the environment, with defaults that need no setup in development.

With DEBUG off (production) the app refuses to start without SECRET_KEY and ALLOWED_HOSTS, and
the security settings default to what `manage.py check --deploy` asks for.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required in production.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "a whole number")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def _env_number(name: str, default, kind: type, said: str):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {said}, not {value!r}.") from None


def env_list(name: str, default: str | None = None) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else None)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "iompanama.apps.IompanamaConfig",
    "cases",
    "activities",
    "reports",
    "iompanama.apps.IompanamaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "import_export",
    "django_tasks",
    "django_tasks.backends.database",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "iompanama.middleware.TwoFactorMiddleware",
    "iompanama.middleware.SessionRenewalMiddleware",
    "iompanama.middleware.ReadOnlyDatabaseMiddleware",
    "iompanama.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iompanama.urls"
WSGI_APPLICATION = "iompanama.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iompanama.context_processors.navigation",
                "iompanama.context_processors.offline",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # How the planner weighs reading a page out of order against reading in order. PostgreSQL's
    # default (4) is for spinning disks; on SSD or with the data in memory, 1.1 is the usual
    # setting. With 4 the figures of a year hash every session of the year rather than merge
    # two indexes read in order, twice as slow; with 1.1 no page measured got slower
    # (benchmarks/scale.py). A server tuned otherwise sets DATABASE_RANDOM_PAGE_COST.
    page_cost = env_float("DATABASE_RANDOM_PAGE_COST", 1.1)
    connection_options = DATABASES["default"].setdefault("OPTIONS", {})
    # After any the URL gives (?options=...), which are kept.
    given = connection_options.get("options", "")
    connection_options["options"] = f"{given} -c random_page_cost={page_cost}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The figures' indexes carry the columns they sum (INCLUDE) so that PostgreSQL answers from the
# index alone; SQLite, the development database, builds the same indexes without them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Accounts
AUTH_USER_MODEL = "iompanama.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Two-factor sign-in (iompanama/twofactor.py): the name authenticator apps show for the account.
OTP_TOTP_ISSUER = "OIM Panamá"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A working day of inactivity ends the session; sessions live in the database, not on local disk.
# They are renewed every few minutes, not written on every request, so that a read-only database
# (failover, maintenance) still serves reading pages (iompanama/sessions.py).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 9 * 60 * 60)
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 5 * 60)
SESSION_ENGINE = "iompanama.sessions"

# Lockout: attempts are counted per username and address, in the database shared by all servers.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's address, through django-ipware: each of the PROXY_COUNT proxies in front of the
# app appends the address it was reached from to X-Forwarded-For, and the nearest one is
# REMOTE_ADDR; so the client is the PROXY_COUNT-th entry from the right. What lies left of it
# was written by the client and is ignored, as is the whole header when there is no proxy.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1  # ipware counts the proxies in the header only
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_PROXY_COUNT = None
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Strict, ipware would discard a header with more entries than proxies: any client could then
# send one entry more and be counted as the proxy's address, shared with everyone.
IPWARE_STRICT = False

# Retention (`manage.py retention`, daily): a person is anonymised this many years after the
# last step of their last case (a closed legal case's sessions, a return or a withdrawal), or
# after registration if no case was opened for them. Five years: long enough for a returnee's
# reintegration support and for audits of the projects that served them.
RETENTION_BENEFICIARY_YEARS = env_int("RETENTION_BENEFICIARY_YEARS", 5)
# Who saw a person's data (PersonalDataAccess): kept two years, long enough to answer a person's
# or an auditor's question, then deleted by `manage.py retention`.
ACCESS_LOG_KEEP_DAYS = env_int("ACCESS_LOG_KEEP_DAYS", 2 * 365)

# Language: Spanish by default, English selectable; numbers and dates as Panama writes them.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["iompanama.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "America/Panama"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_STORAGE_BACKEND = env_str(
    "MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
S3_STORAGE = "storages.backends.s3.S3Storage"
STORAGES = {
    # Uploads (receipts, attendance sheets, import files, export jobs): with more than one
    # server, S3 or a compatible object store (S3_STORAGE), so that no file lives on one
    # server's disk. Every upload is personal data: the bucket is private, and files are only
    # ever served through the app's views, which check who may see them.
    "default": {"BACKEND": MEDIA_STORAGE_BACKEND},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

if MEDIA_STORAGE_BACKEND == S3_STORAGE:
    # Credentials come from the usual AWS variables or the server's role, as boto3 reads them.
    AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", "") or None  # e.g. MinIO
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME", "") or None
    AWS_DEFAULT_ACL = None  # the bucket's own policy: private
    AWS_S3_FILE_OVERWRITE = False  # two servers saving the same name keep both files

# Imports and exports (issue 6). Uploads above this size are refused; an XLSX is a zip, and
# one that unpacks to more than IMPORT_MAX_UNPACKED_BYTES is refused unread (zip bomb).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10_000_000)
# No upload is read past IMPORT_MAX_BYTES (the largest file any form takes; documents are
# smaller): a bigger one is stopped while it streams in, not stored and then measured.
FILE_UPLOAD_HANDLERS = [
    "iompanama.files.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 200_000_000)
# Rows of a sheet read at most: a cell far below the table is a message, not a million rows.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 500_000)
# The admin's import and export: administrators only (they alone hold the delete permissions).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "delete"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "delete"
# Not the library's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT: it strips only "=" and turns every
# cell into text. RecordResource.export_field neutralises all of = + - @ tab and return.
# Exports of more rows than this run in the background (django-tasks), kept JOB_KEEP_HOURS.
# Development runs them in-process at once; production sets TASKS_BACKEND to
# django_tasks.backends.database.DatabaseBackend and runs `manage.py db_worker` (README).
EXPORT_BACKGROUND_ROWS = env_int("EXPORT_BACKGROUND_ROWS", 20_000)
# Imports of more data rows than this are checked, then written, in the background too: a
# check costs about as much as the writing (every row goes through the database), so the limit
# is lower than for exports, to stay well inside a request's timeout.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 5_000)
JOB_KEEP_HOURS = env_int("JOB_KEEP_HOURS", 24)
# A running job reports progress (its heartbeat) every few hundred rows; one silent this long
# lost its worker, and is failed so that its owner can start again.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 10 * 60)
# `manage.py task_worker` waits at most this long between two tries to reach the database.
WORKER_MAX_BACKOFF = env_int("WORKER_MAX_BACKOFF", 60)
# An upload checked on the import page but never confirmed is deleted after this long.
UPLOAD_KEEP_HOURS = env_int("UPLOAD_KEEP_HOURS", 24)
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: printed to the console in development, sent through SMTP in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IOM Panama <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: strict by default outside development; a TLS-terminating load balancer sets the header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy, enforced everywhere (development too, so that a violation shows up
# before production): scripts and styles from our own files only, so that injected markup can
# run nothing. The one inline style, in the factsheet's SVG charts, carries the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        # Bootstrap draws its icons (menu, select arrows) as data: images.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Axes logs every successful sign-in at INFO; lockouts come as warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Links in emails point here.
SITE_URL = env_str("SITE_URL", "http://localhost:8000" if DEBUG else None).rstrip("/")
