"""Settings of the SKM portal, read from the environment (see README and .env.example).

Embedded default: SQLite under var/ and Celery in eager mode, so `make run` needs nothing
else. Production sets DATABASE_URL, CELERY_BROKER_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG=0
and DJANGO_ALLOWED_HOSTS.
"""

import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The placeholder of .env.example: a copied example must not run with a key everybody can read.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string-of-at-least-fifty-characters"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development).")
    SECRET_KEY = "development-only-insecure-key"
if SECRET_KEY.strip() == EXAMPLE_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is still the placeholder of .env.example; set a long random key of your own, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "units",
    "surveys",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): no inline script or style anywhere, Django admin included
# (its pages need neither: its scripts are files and set styles through the DOM, which CSP allows).
# Values come into pages as attributes (data-pct, SVG x/width), never as style="...".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF, "data:"],  # Bootstrap's form icons are data: SVGs
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "worker-src": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
    }
}

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Brute-force protection of the login: 5 failures per user name and address lock it for 30 minutes.
AXES_FAILURE_LIMIT = env.int("SKM_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_CLIENT_IP_CALLABLE = "skm_portal.clients.client_address"
AXES_USERNAME_CALLABLE = "units.forms.lockout_username"  # bounded, as its table column
AXES_VERBOSE = False

ROOT_URLCONF = "skm_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "units.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "skm_portal.wsgi.application"

if "DATABASE_URL" not in env:
    VAR_DIR.mkdir(exist_ok=True)  # the embedded default database lives there
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# Persistent connections: opening one costs more than a whole questionnaire submission.
# No health check per request (a query before every submission): a connection that broke (the
# database restarted) fails one request and is then closed and opened anew.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes; IMMEDIATE transactions take the
    # write lock up front, so concurrent submissions wait instead of failing on upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL;", transaction_mode="IMMEDIATE", timeout=20
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# Request bodies: form fields (everything but files) at most 256 KiB; the questionnaire needs a few KB,
# the largest staff text (the privacy notice, 20.000 characters) under 240 KB even in 4-byte characters.
# A larger body is refused with a 400 page before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# Files: skm_portal.uploads refuses an upload larger than its view's limit (@upload_limit; none
# elsewhere) from its Content-Length, or while it streams, before Django's own handlers store it.
FILE_UPLOAD_HANDLERS = [
    "skm_portal.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# The default cache is each process's own (the questionnaire's unit and questions, a minute or so).
# Made documents that anyone may ask for again (the public unit PDFs) are kept on disk for 10
# minutes, so that every worker process of the web server serves the one another has made.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "documents": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.path("SKM_DOCUMENT_CACHE_DIR", default=VAR_DIR / "cache" / "documents"),
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 5000},  # two PDFs of a province's 2.000 units, a few hundred KB each
    },
}

STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "staticfiles")
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: with no broker configured tasks run in-process, so `make run` needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False  # a failed report is recorded on its job, as with a worker
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True  # progress and results live on ReportJob
CELERY_TIMEZONE = TIME_ZONE
# A report survives a worker that dies: the message is acknowledged only when the task ends,
# handed back when the worker process is lost, and each worker takes one task at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("SKM_REPORT_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
# Longer than the hard limit, or Redis would hand a running report to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A running job whose heartbeat is older than this has lost its worker: it is marked failed.
SKM_REPORT_STALE_SECONDS = env.int("SKM_REPORT_STALE_SECONDS", default=CELERY_TASK_TIME_LIMIT)
SKM_REPORT_MAX_ATTEMPTS = 3
# The portal's public address: printed PDFs link to it (the city report's annex), so it must be absolute.
SKM_SITE_URL = env.str("SKM_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
if not SKM_SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        "SKM_SITE_URL must be an absolute http(s) address, e.g. https://skm.pekalongankota.go.id"
    )

# The public questionnaire.
SKM_SUBMISSIONS_PER_HOUR = env.int("SKM_SUBMISSIONS_PER_HOUR", default=10)  # per client and unit
# The public PDFs of locked periods (the city report's annex links): how many one client may have
# made in an hour; one already made (kept 10 minutes) is served to anyone at no cost.
SKM_PUBLIC_PDFS_PER_HOUR = env.int("SKM_PUBLIC_PDFS_PER_HOUR", default=60)
if min(SKM_SUBMISSIONS_PER_HOUR, SKM_PUBLIC_PDFS_PER_HOUR) < 1:
    raise ImproperlyConfigured("SKM_SUBMISSIONS_PER_HOUR and SKM_PUBLIC_PDFS_PER_HOUR must be 1 or more.")
# The reverse proxies (comma-separated addresses or CIDR networks) whose header SKM_CLIENT_IP_HEADER
# names the client: read only on connections from them, from its right end (skm_portal.clients).
# Empty (the default): no header is trusted, the connection's own address is the client.
SKM_TRUSTED_PROXIES = env.list("SKM_TRUSTED_PROXIES", default=[])
for _proxy in SKM_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"SKM_TRUSTED_PROXIES: {_proxy!r} is not an address or CIDR network") from _error
SKM_CLIENT_IP_HEADER = env.str("SKM_CLIENT_IP_HEADER", default="X-Forwarded-For")
# Key of the one-way hash kept instead of client addresses; defaults to one derived from SECRET_KEY.
SKM_CLIENT_HASH_KEY = env.str("SKM_CLIENT_HASH_KEY", default="")
# A questionnaire kept offline on a phone is accepted up to this many days after it was filled in,
# and its filling time may run this far ahead of the server's clock (phones' clocks drift).
SKM_OFFLINE_MAX_AGE_DAYS = env.int("SKM_OFFLINE_MAX_AGE_DAYS", default=7)
# The public follow-up page names an unsur respondents wrote about only from this many suggestions.
SKM_SARAN_TEMA_MIN = env.int("SKM_SARAN_TEMA_MIN", default=5)
SKM_CLOCK_SKEW_SECONDS = env.int("SKM_CLOCK_SKEW_SECONDS", default=300)
# The client hash is cleared from responses older than this (UU 27/2022: kept no longer than needed),
# nightly by Celery beat (`celery -A skm_portal beat`) or cron (`manage.py purge_client_hashes`).
SKM_CLIENT_HASH_RETENTION_DAYS = env.int("SKM_CLIENT_HASH_RETENTION_DAYS", default=180)
CELERY_BEAT_SCHEDULE = {
    "purge-client-hashes": {"task": "surveys.purge_client_hashes", "schedule": crontab(hour=2, minute=30)},
}

# Data-quality flags (reports/selectors/flags.py; the help page explains each). A flag only warns:
# it never hides or deletes a response.
SKM_FLAG_BURST_RESPONSES = env.int("SKM_FLAG_BURST_RESPONSES", default=5)  # online, one client, one unit...
SKM_FLAG_BURST_MINUTES = env.int("SKM_FLAG_BURST_MINUTES", default=10)  # ...within this many minutes
SKM_FLAG_DUPLICATE_MINUTES = env.int(
    "SKM_FLAG_DUPLICATE_MINUTES", default=30
)  # identical answers, profile, suggestion
SKM_FLAG_UNIFORM_SHARE = env.float("SKM_FLAG_UNIFORM_SHARE", default=0.9)  # share giving the same nine answers...
SKM_FLAG_UNIFORM_MIN_RESPONDENTS = env.int("SKM_FLAG_UNIFORM_MIN_RESPONDENTS", default=30)  # ...from this many on
SKM_FLAG_IKM_CHANGE = env.float("SKM_FLAG_IKM_CHANGE", default=10.0)  # points against the previous period
SKM_FLAG_TOO_FAST_SECONDS = env.int("SKM_FLAG_TOO_FAST_SECONDS", default=20)  # filled in under this...
SKM_FLAG_TOO_FAST_MIN_RESPONSES = env.int("SKM_FLAG_TOO_FAST_MIN_RESPONSES", default=5)  # ...this many times
if not 0 < SKM_FLAG_TOO_FAST_SECONDS <= 120:  # durations are tallied to the second below 120 (surveys.models)
    raise ImproperlyConfigured("SKM_FLAG_TOO_FAST_SECONDS must lie between 1 and 120")
SKM_KIOSK_IDLE_SECONDS = env.int("SKM_KIOSK_IDLE_SECONDS", default=90)  # an untouched kiosk form asks, then clears
SKM_KIOSK_PAIRING_MINUTES = env.int("SKM_KIOSK_PAIRING_MINUTES", default=30)  # a pairing code's life
SKM_WIDE_INTERVAL = env.float("SKM_WIDE_INTERVAL", default=10.0)  # a 95 % interval wider than this is "wide"
if SKM_FLAG_BURST_RESPONSES < 2 or not 0 < SKM_FLAG_UNIFORM_SHARE < 1:
    raise ImproperlyConfigured(
        "SKM_FLAG_BURST_RESPONSES must be at least 2 and SKM_FLAG_UNIFORM_SHARE between 0 and 1"
    )

# Production hardening (DJANGO_DEBUG=0): HTTPS only, secure cookies, HSTS.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    # The reverse proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "skm_portal.logging.JsonFormatter"}},
    # JSON lines in production (DJANGO_LOG_JSON=1, the default without debug); plain text while developing.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if env.bool("DJANGO_LOG_JSON", default=not DEBUG) else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:workspace"
LOGOUT_REDIRECT_URL = "home"
