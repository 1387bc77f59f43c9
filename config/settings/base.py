"""Settings for every environment, read from the environment through django-environ.

The defaults are the embedded ones `make run` uses: SQLite and a filesystem Celery broker under var/,
so a fresh machine needs no server. Production overrides live in `config.settings.production`.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.checks import DEV_FERNET_KEY, DEV_SECRET_KEY, refuse_unsafe_secrets

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("HAKOBU_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The development default is public: refused below unless DEBUG is on.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Fernet keys for secrets at rest (integration tokens). Comma-separated: the first encrypts, all
# decrypt, so a key is rotated by prepending a new one and running `manage.py rotate_secrets`.
HAKOBU_SECRET_KEYS = env.list("HAKOBU_SECRET_KEYS", default=[DEV_FERNET_KEY])
if not DEBUG:  # `make run` may use the development keys; anything else must set its own
    refuse_unsafe_secrets(SECRET_KEY, HAKOBU_SECRET_KEYS)
# Error pages and reports honour sensitive_post_parameters/sensitive_variables with DEBUG on too.
DEFAULT_EXCEPTION_REPORTER_FILTER = "integrations.secrets.SecretsReporterFilter"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "brands",
    "delivery_notes",
    "delivery_notes.catalogue",
    "notifications",
    "integrations",
    "integrations.shipandco",
    "integrations.shipstation",
    "integrations.webshipper",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.security.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "brands.middleware.UserLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "brands.middleware.BrandScopeMiddleware",
]

# Every page: scripts, styles, fonts and frames from this site only, no inline script or style.
# Images: this site, data: URIs (Bootstrap's icons) and the hosts the brand allows
# (Brand.allowed_image_hosts, added per request by config.security).
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "brands.context_processors.brand",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hakobu.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: WAL and immediate transactions avoid "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A delivery note's edit form posts ~11 fields per line: leave room for notes with many lines.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

AUTH_USER_MODEL = "brands.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=7)
# Login throttling (brands.login_throttle): after LOGIN_MAX_FAILURES failed logins for one account
# from one address, that address may not try that account for LOGIN_LOCKOUT_SECONDS; after
# LOGIN_MAX_FAILURES_PER_ADDRESS failures over all accounts, that address may not log in at all.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=10)
LOGIN_MAX_FAILURES_PER_ADDRESS = env.int("LOGIN_MAX_FAILURES_PER_ADDRESS", default=20)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
# Password-reset emails: at most this many per email address and per source address per window.
PASSWORD_RESET_MAX_PER_EMAIL = env.int("PASSWORD_RESET_MAX_PER_EMAIL", default=3)
PASSWORD_RESET_MAX_PER_ADDRESS = env.int("PASSWORD_RESET_MAX_PER_ADDRESS", default=10)
PASSWORD_RESET_WINDOW_SECONDS = env.int("PASSWORD_RESET_WINDOW_SECONDS", default=60 * 60)
# Reverse proxies in front of the app that append to X-Forwarded-For: the client's address is the
# one the outermost of them saw. 0: REMOTE_ADDR is the client (no proxy).
HAKOBU_TRUSTED_PROXIES = env.int("HAKOBU_TRUSTED_PROXIES", default=0)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
# One date and one date-time format per language (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: a file backend under var/mail by default so `make run` users can read what was sent.
# One .eml file per message (notifications.mail.OutboxFileBackend), read by the DEBUG outbox.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="notifications.mail.OutboxFileBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Hakobu <no-reply@hakobu.example>")
# Absolute links in emails and background jobs (no request there to build them from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Cache (login throttling): Redis when REDIS_URL is set, shared by every web worker.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: filesystem broker by default (no server needed); Redis when REDIS_URL is set.
FS_BROKER_TRANSPORT = "config.fs_broker:Transport"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
    # kombu's filesystem transport does not create its folders; any process may enqueue first.
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT = FS_BROKER_TRANSPORT  # messages renamed in whole (config/fs_broker.py)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

# Platforms: API base URLs are settings so the sandbox (or a test server) can stand in.
SHIPANDCO_API_URL = env.str("SHIPANDCO_API_URL", default="https://api.shipandco.com/v1/")
SHIPSTATION_V1_API_URL = env.str("SHIPSTATION_V1_API_URL", default="https://ssapi.shipstation.com/")
SHIPSTATION_V2_API_URL = env.str(
    "SHIPSTATION_V2_API_URL", default="https://api.shipstation.com/v2/"
)
# One API host per Webshipper account: "{account}" is replaced by the brand's account name.
WEBSHIPPER_API_URL = env.str(
    "WEBSHIPPER_API_URL", default="https://{account}.api.webshipper.io/v2/"
)
PLATFORM_HTTP_TIMEOUT = env.float("PLATFORM_HTTP_TIMEOUT", default=20.0)
SHIPANDCO_SYNC_INTERVAL_MINUTES = env.int("SHIPANDCO_SYNC_INTERVAL_MINUTES", default=10)
SANDBOX_URL = env.str("SANDBOX_URL", default="")
# Delivery-note CSV imports with more rows than this run in a Celery task with a progress bar.
DELIVERY_NOTE_IMPORT_ASYNC_ROWS = env.int("DELIVERY_NOTE_IMPORT_ASYNC_ROWS", default=300)
# Shipment sync (every platform): alert after N failed runs in a row; a shipment without tracking
# holds the cursor at most this long; a first sync looks back this far; the digest hour (in each
# brand's time zone).
INTEGRATION_FAILURE_ALERT_AFTER = env.int("INTEGRATION_FAILURE_ALERT_AFTER", default=3)
INTEGRATION_PENDING_HOLD_DAYS = env.int("INTEGRATION_PENDING_HOLD_DAYS", default=7)
INTEGRATION_INITIAL_LOOKBACK_DAYS = env.int("INTEGRATION_INITIAL_LOOKBACK_DAYS", default=30)
INTEGRATION_DIGEST_HOUR = env.int("INTEGRATION_DIGEST_HOUR", default=8)
SYNC_RUN_RETENTION_DAYS = env.int("SYNC_RUN_RETENTION_DAYS", default=30)
# Ship&co CSV exports: up to this many notes download at once, more run in a Celery task; files
# are kept this many days (the export record stays).
SHIPANDCO_EXPORT_SYNC_MAX_NOTES = env.int("SHIPANDCO_EXPORT_SYNC_MAX_NOTES", default=500)
SHIPANDCO_EXPORT_RETENTION_DAYS = env.int("SHIPANDCO_EXPORT_RETENTION_DAYS", default=30)
# Printed documents (PDF): up to this many notes print at once, more are built in a Celery task
# whose file is kept this many days (the record stays).
DOCUMENTS_SYNC_MAX_NOTES = env.int("DOCUMENTS_SYNC_MAX_NOTES", default=50)
DOCUMENTS_RETENTION_DAYS = env.int("DOCUMENTS_RETENTION_DAYS", default=30)
# One PDF holds at most this many notes (a worker lays the whole document out in memory).
DOCUMENTS_MAX_NOTES = env.int("DOCUMENTS_MAX_NOTES", default=3000)

# Every platform's own periodic tasks are added from its declaration (config/celery.py).
CELERY_BEAT_SCHEDULE = {
    "integrations-shipment-digest": {
        "task": "integrations.tasks.send_shipment_digests",
        # Hourly: each brand gets its digest at INTEGRATION_DIGEST_HOUR in its own time zone.
        "schedule": crontab(minute=0),
    },
    "integrations-send-outbox": {"task": "integrations.tasks.send_outbox", "schedule": 60.0},
    "delivery-notes-purge-documents": {
        "task": "delivery_notes.tasks.purge_document_files",
        "schedule": crontab(hour=3, minute=45),
    },
    # The dashboard's notes-per-status tally grows a row or two a write; folded every 10 min.
    "delivery-notes-fold-status-tallies": {
        "task": "delivery_notes.tasks.fold_status_tallies",
        "schedule": 600.0,
    },
    "integrations-prune-sync-runs": {
        "task": "integrations.tasks.prune_sync_runs",
        "schedule": crontab(hour=3, minute=15),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"handled_client_errors": {"()": "config.log_filters.HandledClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # A 403 or 404 the app answers on purpose: one line, no traceback.
        "django.request": {"filters": ["handled_client_errors"]},
    },
}
