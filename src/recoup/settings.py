"""Django settings, read from the environment.

DATABASE_URL picks the database (default: an embedded SQLite file under var/);
RECOUP_SECRET_KEY and RECOUP_DEBUG do what they say.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _whole_number(name: str, default: int) -> int:
    """The environment variable `name` as a whole number of at least 0, `default` when unset.

    Raises ImproperlyConfigured, naming the variable.
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdecimal():
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {text!r}")
    return int(text)


BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("RECOUP_HOME", Path.cwd()))
VAR_DIR = PROJECT_DIR / "var"

DEBUG = os.environ.get("RECOUP_DEBUG", "0") in {"1", "true", "yes"}
SECRET_KEY = os.environ.get("RECOUP_SECRET_KEY") or "recoup-insecure-development-key-change-me-in-production"
ALLOWED_HOSTS = [h for h in os.environ.get("RECOUP_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "recoup.access",
    "recoup.parties",
    "recoup.portfolio",
    "recoup.ledger",
    "recoup.arrears",
    "recoup.compliance",
    "recoup.collections",
    "recoup.reporting",
    "recoup.comms",
    "recoup.comms.notices",
    "recoup.comms.inbox",
    "recoup.payments",
    "recoup.payments.statements",
    "recoup.payments.debits",
    "recoup.web",
    "django_tasks",
    "django_tasks_db",
    "recoup.comms.background",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "recoup.web.session_timeout.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "recoup.urls"
WSGI_APPLICATION = "recoup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'recoup.sqlite3'}",
        conn_max_age=_whole_number("RECOUP_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work beside the one writer; IMMEDIATE takes the write lock at BEGIN
    # so two writers queue instead of failing half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The batches stage their rows in temporary tables: temp_buffers keeps a night's or a
    # statement's (tens of MB) in memory, where the default 8 MB sends them to disk and back.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"-c temp_buffers=256MB {_options.get('options', '')}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "access.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:search"
LOGOUT_REDIRECT_URL = "web:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends 8 hours after signing in however busy, and after 30 minutes without a request
# (recoup.web.session_timeout keeps both; Django alone counts only from the session's last save).
SESSION_COOKIE_AGE = 8 * 60 * 60
RECOUP_SESSION_IDLE_AGE = 30 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_behind_tls = os.environ.get("RECOUP_HTTPS", "0") in {"1", "true", "yes"}
SESSION_COOKIE_SECURE = _behind_tls
CSRF_COOKIE_SECURE = _behind_tls
SECURE_SSL_REDIRECT = _behind_tls

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `recoup collectstatic` gathers files for production; unset, they are served from the apps.
STATIC_ROOT = os.environ.get("RECOUP_STATIC_ROOT") or None
# WhiteNoise serves static files from the app itself, so `make run` needs no separate web server;
# finders let it serve straight from the source tree when `collectstatic` has not been run.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# How many ranges of contracts `recoup cob` closes each date in, side by side (0: 2 on PostgreSQL,
# 1 on SQLite; see recoup.arrears.batch.parts).
RECOUP_COB_PARTS = _whole_number("RECOUP_COB_PARTS", 0)

# Escalations: the in-app inbox always; email too when RECOUP_ESCALATION_EMAILS=1, through the
# configured backend (SMTP at RECOUP_EMAIL_HOST, or whatever RECOUP_EMAIL_BACKEND names).
RECOUP_ESCALATION_EMAILS = os.environ.get("RECOUP_ESCALATION_EMAILS", "0") in {"1", "true", "yes"}
# A roll forward with at least this receivable (minor units, by currency) is escalated after the close.
RECOUP_ESCALATION_LARGE_BALANCE = {"USD": 1_000_000, "GBP": 1_000_000}
DEFAULT_FROM_EMAIL = os.environ.get("RECOUP_FROM_EMAIL") or "Recoup <recoup@localhost>"
EMAIL_BACKEND = os.environ.get("RECOUP_EMAIL_BACKEND") or "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("RECOUP_EMAIL_HOST", "localhost")
EMAIL_PORT = _whole_number("RECOUP_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("RECOUP_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("RECOUP_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("RECOUP_EMAIL_TLS", "0") in {"1", "true", "yes"}

# Letters, email and SMS to customers (recoup.comms.outbox): "file" writes each into the outbox
# directory, "console" prints it, "smtp" sends email through the relay above (SMS into the outbox).
RECOUP_COMMS_PROVIDER = os.environ.get("RECOUP_COMMS_PROVIDER", "file")
RECOUP_COMMS_OUTBOX = os.environ.get("RECOUP_COMMS_OUTBOX", "")  # blank: var/outbox
RECOUP_MAIL_DOMAIN = os.environ.get("RECOUP_MAIL_DOMAIN", "recoup.localhost")  # of the Message-IDs
# Where the links in customers' email (unsubscribe) point.
RECOUP_BASE_URL = os.environ.get("RECOUP_BASE_URL", "http://127.0.0.1:8000")

# Background work: tasks are rows in the database (django-tasks-db), run by `recoup worker`, which
# also enqueues the inbox fetch every RECOUP_INBOX_FETCH_MINUTES (0: only when asked) and a letter
# run after each close of business. Tests use the same backend: a task queued there waits for a worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RECOUP_INBOX_FETCH_MINUTES = os.environ.get("RECOUP_INBOX_FETCH_MINUTES", "5")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RECOUP_LOG_LEVEL", "WARNING")},
    # The MT940 reader logs a field it cannot match with its raw text, which may carry a customer's
    # name or account: the import refuses the file with its own message, naming only the line.
    "loggers": {"mt940": {"level": "CRITICAL", "propagate": False, "handlers": []}},
}
