"""Settings for AIP Dashboard, driven by the environment (12-factor).

Production differs from development only by environment variables; see README.md.
Over 500 lines on purpose: Django reads one settings module, and every setting here sits with
the environment variable it comes from and a line on why (deploy/aipdash.env.example and
docs/operations.md list the same names); splitting it would hide which one is in force.
With DEBUG off (the default) SECRET_KEY must be set and `manage.py check --deploy` is clean.
"""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from aipdash.core import logs

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state of a first run (SQLite file, generated login): git-ignored.
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-only-for-debug-runs")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_countries",
    "simple_history",
    "import_export",
    "aipdash.core",  # label "aipdash"
    "aipdash.records",
    "aipdash.sharing",
    "aipdash.audit",
    "aipdash.operations",
    "aipdash.scenarios",
    "aipdash.dashboard",  # no models: its template tags and its fast path's signals
    "django_tasks_db",  # the task queue of django.tasks, as a table
    "aipdash.jobs",  # work that outlives a request: jobs, their pages, the worker
    "aipdash.boardpack",  # board packs (PDF) made by the worker
    "aipdash.digests",  # subscriptions: digests and alerts by email
    "partners",
    "projects",
    "axes",  # login throttling (see "Login throttling" below)
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    # First: it gives every request its id and logs every answer, errors included.
    "aipdash.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages, partials and CSV compressed (6-10x); static files come precompressed from
    # WhiteNoise. Django's GZip pads each response randomly against BREACH (since 4.2), and the
    # CSRF token in pages is masked anew per request.
    "django.middleware.gzip.GZipMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Cache-Control: private, no-store unless a response says otherwise (static files do).
    "aipdash.core.middleware.PrivateByDefaultMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Refuse oversized bodies and NUL in the address with the 413/400 pages (after the CSP
    # middleware, so that those pages carry the policy and their nonce).
    "aipdash.core.middleware.RequestSizeLimitMiddleware",
    "aipdash.core.middleware.RejectNulMiddleware",
    # A number too large for the database in a form's choice: 400, not 500.
    "aipdash.core.middleware.NumberOutOfRangeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Warm chart partials for a session the full stack below has already let through to one
    # (aipdash/dashboard/fastpath.py): what follows is skipped for them, what precedes still
    # applies.
    "aipdash.dashboard.fastpath.WarmChartMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Signed in is not enough: the site's pages need a role (viewer or editor); see roles.py.
    "aipdash.core.middleware.RoleRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aipdash.urls"
WSGI_APPLICATION = "aipdash.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aipdash.jobs.nav.jobs_nav",  # the navigation's "Jobs" link
            ],
        },
    },
]

# PostgreSQL in production and CI (DATABASE_URL=postgres://...); an SQLite file by default.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'aipdash.sqlite3'}")
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The PostgreSQL session settings that keep the cold path fast. The dashboard's aggregations
# are short reads: JIT compilation costs 30-55 ms per query and saves nothing at this size;
# 32 MB lets a grouping over a million rows hash in memory instead of sorting on disk
# (measured, bench/results/2026-11-27-100k.md); a random page costs about what a sequential one
# does when the data is in memory or on SSD (1.1, not the spinning-disk default 4), so a
# filtered view reads its projects' facts through the covering index instead of scanning them
# all. Stored for the app's role in its database by `manage.py apply_session_settings` (what a
# pooler passes on: docs/operations.md), and sent as startup options too where they work.
PG_SESSION_SETTINGS = {"jit": "off", "work_mem": "32MB", "random_page_cost": "1.1"}
# --- Past one database server (docs/operations.md, "Scaling out") ---------------------------
# PgBouncer in transaction mode refuses startup options and can't keep a server-side cursor
# between transactions: both off behind it. Django's own pool (DATABASE_POOL) keeps each
# process's connections open instead of CONN_MAX_AGE, which it replaces.
DATABASE_BEHIND_PGBOUNCER = env.bool("DATABASE_BEHIND_PGBOUNCER", default=False)
DATABASE_POOL = env.bool("DATABASE_POOL", default=False)
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=4)
# Read replicas (aipdash/core/replicas.py): comma-separated URLs, aliases "replica1"...
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])


def postgres_options(database: dict[str, Any]) -> None:
    """The PostgreSQL options above on one alias (the primary or a replica)."""
    if not database["ENGINE"].endswith("postgresql"):
        return
    options = database.setdefault("OPTIONS", {})
    if DATABASE_BEHIND_PGBOUNCER:
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        startup = " ".join(f"-c {name}={value}" for name, value in PG_SESSION_SETTINGS.items())
        options.setdefault("options", env.str("PG_SESSION_OPTIONS", default=startup))
    if DATABASE_POOL:
        options["pool"] = {"min_size": 1, "max_size": DATABASE_POOL_MAX_SIZE, "timeout": 10}
        database["CONN_MAX_AGE"] = 0


postgres_options(DATABASES["default"])
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    DATABASES[f"replica{_number}"] = {
        **environ.Env.db_url_config(_url),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # Tests read the replica of the test database, not a database of its own.
        "TEST": {"MIRROR": "default"},
    }
    # A replica that does not answer is skipped (aipdash/core/replicas.py), and soon.
    DATABASES[f"replica{_number}"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    postgres_options(DATABASES[f"replica{_number}"])
# The job tables and the task queue (aipdash/jobs/router.py): next to an SQLite file, a file of
# their own, so that an import's long transaction never stops a job's progress being written.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    _portfolio_file = Path(DATABASES["default"]["NAME"])
    DATABASES["jobs"] = {
        **DATABASES["default"],
        "NAME": str(_portfolio_file.with_name(f"{_portfolio_file.stem}-jobs.sqlite3")),
        # Readers never wait for a writer (write-ahead log); a writer waits up to 20 s.
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20},
    }
# The jobs' tables first (their own SQLite file); then dashboard reads to a replica.
DATABASE_ROUTERS = ["aipdash.jobs.router.JobsRouter", "aipdash.core.replicas.ReplicaRouter"]
# A covering index's INCLUDE columns (projects.CommitmentFact) are a PostgreSQL speed-up;
# SQLite keeps the index without them, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Redis when REDIS_URL is set (shared by every process); local memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails soft (aipdash/core/cache/failsoft.py): with Redis down, pages are served
            # uncached; one
            # Redis client per connection pool (aipdash/core/cache/client.py).
            "BACKEND": "aipdash.core.cache.failsoft.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            # Several deployments (or test servers) can share one Redis with their own prefix.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="aipdash"),
            # An unreachable Redis must fail fast, not hang a request: on loopback or a LAN a
            # connection takes well under a millisecond, so 0.25 s means it is not coming.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 1},
        }
    }
    # Sessions read from Redis, written through to the database (a flushed cache logs no one
    # out): no session query per request.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif env.str("LOCAL_CACHE_DIR", default=""):
    # `make run`: the development server and its worker share a cache in files, so that the
    # worker's writes (an import) replace the data version the server reads.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("LOCAL_CACHE_DIR"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes). Failed logins are counted in PostgreSQL (axes' database
# handler), so every app process sees the same count: five failures through any mix of
# processes lock, not five per process. The count is per (username, client address):
# - not per username alone, so that nobody can lock a colleague out by typing wrong passwords
#   for their name from elsewhere;
# - not per address alone, so that one person's typos behind an office's shared address do
#   not lock out everyone else there.
# A locked (username, address) pair gets templates/registration/locked_out.html with 429 for
# AXES_COOLOFF_MINUTES; another failure while locked starts the cool-off again; a successful
# login clears the pair's count. An administrator unlocks at once with `manage.py axes_reset`
# (everyone) or `axes_reset_username <name>`. Behind a load balancer set TRUSTED_PROXY_COUNT
# (aipdash/core/throttling.py), or every client would share the balancer's address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "aipdash.core.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "aipdash.core.throttling.client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_VERBOSE = False  # no start-up banner; log lines name only the lockout parameters

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# plotly.js is static/vendor/plotly/plotly-custom.min.js, built by scripts/build-plotly with only
# the trace types the charts draw (the Python package's full plotly.min.js is not served).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names with far-future caching in production; plain files in DEBUG
        # and in tests (no collectstatic step needed there).
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Security. A strict Content Security Policy on every response (plotly.js and htmx are served
# by the app itself; see ../shared/TECH-NOTES.md for the details that make them work under it).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
# No page uses these browser features: say so (django-permissions-policy sends the header).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
CSRF_FAILURE_VIEW = "aipdash.core.errors.csrf_failure"
# Request size limits: the largest legitimate request is an admin form (a project with its
# inlines) of a few kB; the share form and filters are smaller. Anything beyond these is
# refused with the 413 page (aipdash/core/errors.py) before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # 1 MB of form data
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000  # admin changelist actions post one field per row
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads spool to a temporary file
# The whole body, files included (aipdash.core.middleware.RequestSizeLimitMiddleware).
MAX_REQUEST_BODY_SIZE = env.int("MAX_REQUEST_BODY_SIZE", default=10 * 1024 * 1024)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Bulk import in the admin (aipdash/operations/imports/, projects/resources.py): every
# import runs in one transaction, as a job; the uploaded file waits for its confirmation in its
# preview job (the database, which every process and worker reads), not on one machine's disk.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# What one import may make a worker read (aipdash/operations/imports/reading.py; why these defaults:
# README, "Import and export"): rows under the header, and the bytes an XLSX file unpacks to.
# An import runs as a job (aipdash/jobs/), so no request waits for it: 20,000 rows take minutes
# (docs/performance.md, "Jobs"); the preview page shows at most IMPORT_PREVIEW_ROWS of them
# (every refused and changed row first), and its CSV download has them all.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_PREVIEW_ROWS = env.int("IMPORT_PREVIEW_ROWS", default=2000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=20 * 1024 * 1024)

# Jobs (aipdash/jobs/): Django's task framework with the database backend of django-tasks-db;
# `manage.py run_worker` runs them. A running job beats its lease every JOB_BEAT_SECONDS; one
# whose beat is older than JOB_LEASE_SECONDS lost its worker and is run again (up to
# JOB_MAX_ATTEMPTS attempts) or failed with a message. Finished jobs and their files are kept
# JOB_RESULT_DAYS days.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
JOB_RESULT_DAYS = env.int("JOB_RESULT_DAYS", default=7)
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=30)
JOB_BEAT_SECONDS = env.float("JOB_BEAT_SECONDS", default=1.0)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=2)

# Board packs (aipdash/boardpack/): the worker prints them with this Chromium (Debian's package
# `chromium`; docs/operations.md); a pack that takes longer than BOARDPACK_TIMEOUT_SECONDS fails
# with a message. A shared link may have at most BOARDPACK_PER_LINK packs (and large exports)
# queued or running.
BOARDPACK_CHROMIUM = env.str("BOARDPACK_CHROMIUM", default="/usr/bin/chromium")
BOARDPACK_TIMEOUT_SECONDS = env.int("BOARDPACK_TIMEOUT_SECONDS", default=90)
BOARDPACK_PER_LINK = env.int("BOARDPACK_PER_LINK", default=3)
# A CSV, or a whole Excel workbook, of more rows than this is made by a job (its page, then the
# download) instead of in the request; smaller ones download at once.
EXPORT_JOB_ROWS = env.int("EXPORT_JOB_ROWS", default=20_000)
# Email (aipdash/digests/): EMAIL_URL as django-environ reads it: smtp+tls://user:password@host:587
# in production; by default the console backend, so `make run` prints every mail to its log.
# Mails link back to the site at SITE_URL (a mail has no request to take the host from).
# Django 6.1's MAILERS (the EMAIL_* settings are deprecated), made from django-environ's reading.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_email_timeout = env.int("EMAIL_TIMEOUT", default=30)
_mailer_options: dict[str, object] = {}
if _email["EMAIL_BACKEND"].endswith(".smtp.EmailBackend"):
    _mailer_options = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": bool(_email.get("EMAIL_USE_TLS")),
        "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
        "timeout": _email_timeout,
    }
elif _email.get("EMAIL_FILE_PATH"):
    _mailer_options = {"file_path": _email["EMAIL_FILE_PATH"]}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="AIP Dashboard <aipdash@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# A mail is tried this many times (an SMTP server refusing or away) before it is recorded as
# failed.
DIGEST_MAX_ATTEMPTS = env.int("DIGEST_MAX_ATTEMPTS", default=5)
# Each digest carries its view's board pack (a PDF made by the worker's Chromium, as the
# dashboard's button makes it); larger than DIGEST_PACK_MAX_BYTES it is linked, not attached.
DIGEST_BOARD_PACK = env.bool("DIGEST_BOARD_PACK", default=True)
DIGEST_PACK_MAX_BYTES = env.int("DIGEST_PACK_MAX_BYTES", default=5 * 1024 * 1024)

# Shared dashboard links (aipdash/sharing/services.py): how long they may last, and which origins
# may
# show the embed variant (?embed=1) in a frame; every other page keeps frame-ancestors 'none'.
SHARE_LINK_DEFAULT_DAYS = 30
SHARE_LINK_MAX_DAYS = env.int("SHARE_LINK_MAX_DAYS", default=90)
SHARE_EMBED_ORIGINS = env.list("SHARE_EMBED_ORIGINS", default=[])

# The read-only API under /api/ (api/): personal or share-link bearer tokens, or the session.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadsRecords"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every query parameter of a chart is a dashboard filter: no ?format=.
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Requests per user and per share link (api/throttling.py), counted in the cache.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerUser", "api.throttling.PerShareLink"],
}


def throttle_rate(name: str, default: str) -> str:
    """A rate from the environment, checked at start: DRF would fail on each request."""
    value: str = env.str(name, default=default)
    if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", value):
        raise ImproperlyConfigured(
            f"{name} is “{value}”: give requests per second, minute, hour or day, "
            f"such as “{default}”."
        )
    return value


# Enough for any script of this portfolio's size (every list and chart pulled many times an
# hour) while a runaway loop stops within seconds; a cold chart costs up to ~0.4 s of CPU at
# 100k projects, so 600 an hour takes at most ~7% of one core. Bursts are allowed in the hour.
API_THROTTLE_RATE = throttle_rate("API_THROTTLE_RATE", "600/hour")
API_SHARE_LINK_THROTTLE_RATE = throttle_rate("API_SHARE_LINK_THROTTLE_RATE", "600/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "AIP Dashboard API",
    "DESCRIPTION": "Read-only: the AI Infrastructure Partnership's portfolio records and every "
    "dashboard chart's figures, with the dashboard's filters. Money in USD and capacity in MW "
    "as exact decimal strings; every record carries its provenance.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are for users of the API: the same authentication and role.
    "SERVE_PUBLIC": False,
    "SERVE_AUTHENTICATION": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SERVE_PERMISSIONS": ["api.permissions.ReadsRecords"],
    # Swagger UI and Redoc from our own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "displayOperationId": False},
    # Every operation may answer 429 (api/throttling.py): the schema says so.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_throttling",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "api.schema.country_choices",
        "PartnerKindEnum": "partners.models.Partner.Kind",
        "PartnerRoleEnum": "partners.models.Partner.Role",
        "ProjectKindEnum": "projects.models.Project.Kind",
        "ParticipationRoleEnum": "projects.models.Participation.Role",
    },
}
# A record not confirmed (its provenance as-of date) for this many days is marked stale
# (aipdash/records/staleness.py).
STALE_AFTER_DAYS = env.int("STALE_AFTER_DAYS", default=365)

# Every log line in one shape (aipdash/core/logs.py): JSON by default, text with LOG_FORMAT=text
# (`make run`). One handler on the root: every logger (Django's, django-axes', ours) reaches it,
# with the request id of the request being answered and no share token in full.
LOG_FORMAT = logs.log_format()
LOGGING_CONFIG = "aipdash.core.logs.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_share_tokens": {"()": "aipdash.core.requestlog.RedactShareTokens"},
        "request_id": {"()": "aipdash.core.logs.RequestIdFilter"},
    },
    "formatters": {"line": {"()": logs.FORMATTERS[LOG_FORMAT]}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["redact_share_tokens", "request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers (a plain console in DEBUG, mail to ADMINS, the development
        # server's) are dropped: its records go to the root's handler like every other.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # 4xx warnings and 500s with their traceback, under the request's id (as on the 500 page).
        "django.request": {"handlers": [], "level": "WARNING", "propagate": True},
        # One line per request (aipdash/core/middleware.py), also when LOG_LEVEL is WARNING.
        "aipdash.request": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
