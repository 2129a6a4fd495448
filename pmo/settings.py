"""Settings for the Transformation PMO, read from the environment.

Every setting an operator may change comes from an environment variable (or a
`.env` file beside manage.py) through django-environ. The defaults are the
embedded quickstart: SQLite, no broker (Celery tasks run in-process).
"""

import sys
import tempfile
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# pytest imports this module after importing itself; the test run needs plain
# HTTP and a fast password hasher, nothing else differs.
TESTING = "pytest" in sys.modules

DEBUG = env.bool("DEBUG", default=False)

if DEBUG or TESTING:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-not-for-production")
else:
    # Required: a production instance must never start with a known or empty key.
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "Set the SECRET_KEY environment variable (50+ random characters)"
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "django_celery_beat",
    # The domain's order, which is also the order each app's ready() adds its
    # pack sections, project tabs and demo data (pmo/extensions.py): partners
    # read benefits, which read the register.
    "pmo",
    "portfolio",
    "prioritisation",
    "benefits",
    "portfolio.partners",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pmo.security.SecurityLogMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "pmo.middleware.AbsoluteSessionTimeoutMiddleware",
    # Every page needs login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, so a lockout response is not altered by the middleware above.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pmo.urls"
WSGI_APPLICATION = "pmo.wsgi.application"

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
                "pmo.context_processors.navigation",
            ],
            "builtins": ["pmo.templatetags.pmo", "django.contrib.humanize.templatetags.humanize"],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections, but bounded: Celery workers hold one each, and Data
# Hub's ADR 0002 records connection spikes from workers that never let go.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Write-ahead logging: readers go on while a write is open, so a long
    # import's transaction does not lock every page out of the database
    # (bench/import_through_gunicorn.py saw reads fail after the 20 s wait).
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL;")
    # The one covering index (benefits.BenefitYear's benefityear_with_money)
    # is a PostgreSQL speed-up; SQLite builds it without the INCLUDE columns,
    # which is known and harmless at the embedded default's scale.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Portfolio-wide pages are kept rendered until a write to what they read
# (pmo/datacache.py); 0 turns that off. Any cache backend is safe: the keys
# carry the data's versions, which live in the database.
PMO_PAGE_CACHE_SECONDS = env.int("PMO_PAGE_CACHE_SECONDS", default=600)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id first (pmo/hashers.py says why and how strong); the others only
# verify hashes made before it, which are re-made with it at the next sign-in.
STRONG_PASSWORD_HASHERS = [
    "pmo.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Tests sign in thousands of times: a fast hasher there (tests/pmo/test_login.py
# signs in with the strong list, tests/pmo/test_deploy_check.py proves it is the
# one used outside tests).
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"] if TESTING else STRONG_PASSWORD_HASHERS
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portfolio:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock the username+IP pair, not the IP alone,
# so one attacker cannot lock a whole office behind a shared address out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve from STATICFILES_DIRS without collectstatic in development and tests.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: imports are refused above this size with a clear message.
IMPORT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# An uploaded import waits here between upload, check and import
# (portfolio/import_runs.py). The web and worker processes must share it:
# docker-compose puts it on the media volume.
IMPORT_STAGING_DIR = env.path(
    "IMPORT_STAGING_DIR", default=str(Path(tempfile.gettempdir()) / "pmo-imports")
)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024

# Sessions: idle timeout (the session age, renewed while active) and an
# absolute timeout from login, enforced by pmo.middleware.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
# The idle expiry is pushed back by pmo.middleware at most once a minute
# (not a database write on every request), so the idle timeout holds to
# within SESSION_RENEW_SECONDS.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default=10 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Security headers. HTTPS-only settings apply whenever DEBUG is off; the test
# run talks plain HTTP to Django's test client and live server.
_https = not DEBUG and not TESTING
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_https)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_https)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_https)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_https)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp 4). Scripts only from this origin: charts
# read their figures from json_script blocks. Plotly writes inline <style>
# for its layout, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Celery. With no broker configured the tasks run in-process, so the
# quickstart needs nothing else running.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=2)
# A task not acknowledged within this time is redelivered; every retry
# countdown and time limit must stay below it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SOFT_TIME_LIMIT = 15 * 60
CELERY_TASK_TIME_LIMIT = 20 * 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Delivery confidence scale: "5" (Green, Amber/Green, Amber, Amber/Red, Red)
# or "3" (Green, Amber, Red), as used by central government since 2024.
PMO_RAG_SCALE = env.str("PMO_RAG_SCALE", default="5")
PMO_SERVICE_NAME = "Transformation PMO"
PMO_ORGANISATION_NAME = env.str("PMO_ORGANISATION_NAME", default="Thamesford Council")

# E-mail notices (pmo/notifications.py). EMAIL_URL is django-environ's:
# smtp+tls://user:password@smtp.example.gov.uk:587 for a mail relay, or the
# quickstart's default, consolemail://, which prints each message where the
# server runs (filemail:////tmp/pmo-mail, four slashes for an absolute path,
# writes the messages to files in /tmp/pmo-mail).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Transformation PMO <pmo@localhost>")
# The address people reach the service at: every notice links to a page on it.
PMO_BASE_URL = env.str("PMO_BASE_URL", default="http://127.0.0.1:8000")
# The monthly update is due by this day of the month it reports on; the
# project manager is reminded this many days before, told once it is
# overdue, and the sponsor is told too this many days after.
PMO_UPDATE_DEADLINE_DAY = env.int("PMO_UPDATE_DEADLINE_DAY", default=25)
PMO_UPDATE_REMINDER_DAYS = env.int("PMO_UPDATE_REMINDER_DAYS", default=5)
PMO_UPDATE_ESCALATION_DAYS = env.int("PMO_UPDATE_ESCALATION_DAYS", default=3)
# A scheduled gate board is announced to its sponsor and PMO this many days ahead.
PMO_GATE_NOTICE_DAYS = env.int("PMO_GATE_NOTICE_DAYS", default=10)

# The PowerPoint pack is built on this template (pmo/slides.py): a council
# swaps in its own branding, keeping the Title Slide and Title Only layouts.
PMO_PACK_PPTX_TEMPLATE = env.str(
    "PMO_PACK_PPTX_TEMPLATE", default=str(BASE_DIR / "templates" / "reports" / "pack-template.pptx")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": "pmo.security.UTCFormatter",
            "format": "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "structured"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "pmo.security": {"level": "INFO"},
        # The PDF pack's printer notes every screen-only CSS rule it skips.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# History change reasons are sentences a PMO writes (gate overrides,
# re-baselines): no 100-character cap, which PostgreSQL would enforce.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
