"""Django settings, all from the environment, with defaults that run the demo on SQLite.

Data (database, uploaded documents, queue, generated keys) lives under BILLBRIDGE_DATA_DIR,
`./var/` by default, so a fresh clone needs nothing set up by hand.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("BILLBRIDGE_DATA_DIR", Path.cwd() / "var")).resolve()
# Owner-only (issue 15 item 5): the data dir holds the database, the documents and the keys.
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def owner_only_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 if missing, else narrow it to 0600: SQLite then makes
    its -wal and -shm files with the same mode as the database."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    with contextlib.suppress(PermissionError):  # another user's file: theirs to keep narrow
        path.chmod(0o600)
    return path


def _persistent_secret(name: str, make) -> str:
    """A secret from the environment, else one generated once and kept in the data dir."""
    if value := os.environ.get(name):
        return value
    path = DATA_DIR / f".{name.lower()}"
    if not path.exists():
        owner_only_file(path).write_text(make())
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = _persistent_secret("DJANGO_SECRET_KEY", lambda: secrets.token_urlsafe(50))
# Comma-separated Fernet keys, newest first: MultiFernet encrypts with the first and decrypts
# with any, so a key is rotated by putting a new one in front.
FERNET_KEYS = [
    k.strip() for k in _persistent_secret("BILLBRIDGE_FERNET_KEYS", _fernet_key).split(",") if k
]

DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",  # /api/v1/docs from its own static files, not a CDN (the CSP allows only ours)
    "huey.contrib.djhuey",
    "django_otp",  # two-factor log-in (accounts.two_factor): TOTP apps and recovery codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",  # before accounts: its login-failed receiver runs first (accounts.signals)
    "billbridge.accounts",
    "billbridge.bills",
    "billbridge.fx",
    "billbridge.ingest",
    "billbridge.integrations",
    "billbridge.sync",
    "billbridge.mailin",
    "billbridge.web",
    "billbridge.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a login axes refused into the 429 with the wait (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "billbridge.urls"
WSGI_APPLICATION = "billbridge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Each accounting system's own templates live in its package (integrations/<key>/
        # templates/<key>/…), which is no Django app: found here, as its locale is below.
        "DIRS": sorted(BASE_DIR.glob("integrations/*/templates")),
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "billbridge.web.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'billbridge.sqlite3'}"),
        # Issue 16 item 4: a PostgreSQL connection is kept for this many seconds instead of
        # one per request, and checked before reuse (a server restart costs no failed request).
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if str(DATABASES["default"]["NAME"]) not in ("", ":memory:"):
        owner_only_file(Path(DATABASES["default"]["NAME"]))
    # WAL and a busy timeout let the web server and the worker share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out try before any hashing
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (issue 15 item 1): after BILLBRIDGE_LOGIN_FAILURE_LIMIT failed log-ins from
# one IP address, or for one account, further tries are refused for
# BILLBRIDGE_LOGIN_LOCKOUT_MINUTES, with the wait said (billbridge.accounts.lockout).
AXES_FAILURE_LIMIT = int(os.environ.get("BILLBRIDGE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=float(os.environ.get("BILLBRIDGE_LOGIN_LOCKOUT_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "billbridge.accounts.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "billbridge.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "billbridge.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
# Tries during a lockout do not prolong it, so the wait the page says is the wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # successes go to billbridge's own security log
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Two-factor codes (issue 15 item 1, accounts.two_factor): django-otp waits 1, 2, 4, 8 … s after
# each wrong code; after BILLBRIDGE_TWO_FACTOR_FAILURE_LIMIT wrong codes in a row the account's
# codes are refused for the log-in lockout's time, with the wait said.
OTP_TOTP_ISSUER = os.environ.get("BILLBRIDGE_TOTP_ISSUER", "billbridge")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
BILLBRIDGE_TWO_FACTOR_FAILURE_LIMIT = int(
    os.environ.get("BILLBRIDGE_TWO_FACTOR_FAILURE_LIMIT", str(AXES_FAILURE_LIMIT))
)
BILLBRIDGE_TWO_FACTOR_LOCKOUT = AXES_COOLOFF_TIME
# How many reverse proxies in front add to X-Forwarded-For (0: use REMOTE_ADDR as it is).
BILLBRIDGE_TRUSTED_PROXIES = int(os.environ.get("BILLBRIDGE_TRUSTED_PROXIES", "0"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if os.environ.get("BILLBRIDGE_FAST_PASSWORD_HASHER") == "1":
    PASSWORD_HASHERS.insert(0, "django.contrib.auth.hashers.MD5PasswordHasher")

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
# Every package may carry its own translations (a provider package keeps its own words).
# The product's own catalogue comes first: for a msgid in several, the first one wins.
LOCALE_PATHS = [
    BASE_DIR / "locale",
    *sorted(p for p in BASE_DIR.glob("*/**/locale") if p != BASE_DIR / "locale"),
]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from the finders, but wants it to exist
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Static files straight from the apps' folders, so tests and the demo need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
# Documents are written owner-only, in owner-only folders (issue 15 item 5).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# Outgoing mail (password reset): SMTP by default; the demo writes each mail to a file in
# var/sent-mail/ (its "mail log"). EMAIL_URL-style single settings, each from the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "sent-mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "billbridge <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3 * 3600)))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# No page may be framed; the bill page's own document frame opts in (web.views.bills).
X_FRAME_OPTIONS = "DENY"


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0") == "1"


# HTTPS (issue 15 item 2). BILLBRIDGE_HTTPS=1 where billbridge is reached over TLS: cookies are
# sent over HTTPS only, plain HTTP is redirected, browsers are told to keep to HTTPS (HSTS).
# Behind a TLS-terminating proxy, also SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto (the header the
# proxy sets to "https"; it must overwrite a client's own). The README lists a production set.
BILLBRIDGE_HTTPS = _flag("BILLBRIDGE_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BILLBRIDGE_HTTPS
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", BILLBRIDGE_HTTPS)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600 if BILLBRIDGE_HTTPS else 0))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", BILLBRIDGE_HTTPS)
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", BILLBRIDGE_HTTPS)
if _proxy_header := os.environ.get("SECURE_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles from our own origin only, no inline
# script, style or event handler anywhere (behaviour lives in web/static/web/*.js).
# form-action is left open on purpose: connecting Dinero or e-conomic posts a form whose answer
# redirects to their log-in page, and browsers apply form-action to that redirect.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page needs any of these.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
        "payment", "usb",
    )
}  # fmt: skip

# Bills by e-mail (B-7): each company's address is <token>@BILLBRIDGE_MAIL_DOMAIN, received by
# `python -m billbridge smtpd` on BILLBRIDGE_SMTP_HOST:BILLBRIDGE_SMTP_PORT (see the README).
BILLBRIDGE_MAIL_DOMAIN = os.environ.get("BILLBRIDGE_MAIL_DOMAIN", "bills.localhost").lower()
BILLBRIDGE_SMTP_HOST = os.environ.get("BILLBRIDGE_SMTP_HOST", "127.0.0.1")
BILLBRIDGE_SMTP_PORT = int(os.environ.get("BILLBRIDGE_SMTP_PORT", "2525"))
BILLBRIDGE_SMTP_TLS_CERT = os.environ.get("BILLBRIDGE_SMTP_TLS_CERT", "")
BILLBRIDGE_SMTP_TLS_KEY = os.environ.get("BILLBRIDGE_SMTP_TLS_KEY", "")
# A whole message; each attachment must also be within MAX_DOCUMENT_BYTES.
BILLBRIDGE_MAIL_MAX_BYTES = int(os.environ.get("BILLBRIDGE_MAIL_MAX_BYTES", str(30 * 1024 * 1024)))
# "host:port" of the DNS resolver DKIM and SPF ask; empty = the system's.
BILLBRIDGE_DNS_RESOLVER = os.environ.get("BILLBRIDGE_DNS_RESOLVER", "")
BILLBRIDGE_MAIL_SWEEP_AFTER_SECONDS = float(
    os.environ.get("BILLBRIDGE_MAIL_SWEEP_AFTER_SECONDS", "30")
)
BILLBRIDGE_IMAP_TIMEOUT = float(os.environ.get("BILLBRIDGE_IMAP_TIMEOUT", "30"))

# The background queue: SQLite file by default; Redis or PostgreSQL by HUEY_STORAGE.
HUEY_STORAGE = os.environ.get("HUEY_STORAGE", "sqlite")
HUEY_POLL_SECONDS = float(os.environ.get("HUEY_POLL_SECONDS", "0.5"))
_huey_common = {
    "name": os.environ.get("HUEY_NAME", "billbridge"),
    "immediate": os.environ.get("HUEY_IMMEDIATE", "0") == "1",
    "utc": True,
    "consumer": {
        "workers": int(os.environ.get("HUEY_WORKERS", "4")),
        "worker_type": "thread",
        # Issue 17 item 1: every storage wakes an idle worker at once — Redis by a blocking
        # pop, PostgreSQL by LISTEN/NOTIFY, SQLite by a doorbell socket (billbridge/queue.py)
        # — and an idle worker reads the queue at least every HUEY_POLL_SECONDS (the bound of
        # a wake-up that a ring missed; Huey's own backoff grows to 10 s).
        "initial_delay": min(0.1, HUEY_POLL_SECONDS),
        "max_delay": HUEY_POLL_SECONDS,
    },
}
if HUEY_STORAGE == "redis":
    HUEY = {
        **_huey_common,
        "huey_class": "huey.RedisHuey",
        "url": os.environ.get("HUEY_URL", "redis://127.0.0.1:6379/0"),
        # BRPOP: a waiting worker gets the task the moment it is pushed; 1 s bounds a wait so
        # the worker still sees a stop request.
        "blocking": True,
        "read_timeout": 1,
    }
elif HUEY_STORAGE == "postgres":
    HUEY = {
        **_huey_common,
        "huey_class": "billbridge.queue.PostgresHuey",
        "dsn": os.environ.get("HUEY_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        # Huey's PostgresStorage: enqueue sends NOTIFY, an idle worker waits in LISTEN.
        "blocking": True,
        "read_timeout": 1,
    }
else:
    HUEY = {
        **_huey_common,
        "huey_class": "billbridge.queue.DoorbellSqliteHuey",
        "filename": str(
            owner_only_file(Path(os.environ.get("HUEY_FILE", str(DATA_DIR / "huey.sqlite3"))))
        ),
        "read_timeout": HUEY_POLL_SECONDS,
    }

# Rate limits and daily budgets per accounting-system tenant, shared by every worker process
# (integrations/pacing.py): a Redis URL, by default the Redis queue's; empty = per process
# (SQLite set-ups).
BILLBRIDGE_PACING_URL = os.environ.get(
    "BILLBRIDGE_PACING_URL", HUEY.get("url", "") if HUEY_STORAGE == "redis" else ""
)
# A worker's claim on sync records lasts this long and is renewed while it works (heartbeat),
# so the records of a killed worker are taken over within seconds (issue 14 item 4).
SYNC_CLAIM_SECONDS = float(os.environ.get("SYNC_CLAIM_SECONDS", "20"))

# External systems, reached only through URLs and app credentials (DESIGN.md). Each accounting
# system's settings (DINERO_*, ECONOMIC_*) are declared once, with their shipped defaults, in its
# registry entry (integrations/registry.py, ProviderInfo.settings); IntegrationsConfig.ready()
# sets each from the environment or that default (issue 12 item 1).
ACCOUNTING_HTTP_TIMEOUT = float(os.environ.get("ACCOUNTING_HTTP_TIMEOUT", "15"))
# The official daily exchange rates: the folder of the ECB's eurofxref files (billbridge.fx).
BILLBRIDGE_FX_URL = os.environ.get(
    "BILLBRIDGE_FX_URL", "https://www.ecb.europa.eu/stats/eurofxref/"
)
FX_HTTP_TIMEOUT = float(os.environ.get("BILLBRIDGE_FX_TIMEOUT", "20"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "mail.log": {"level": "WARNING"},  # aiosmtpd's line per SMTP command
        "axes": {"level": "ERROR"},  # each try is in billbridge.security (accounts.security_log)
    },
}
