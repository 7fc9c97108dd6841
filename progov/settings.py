"""progov settings, read from the environment.

| variable               | meaning                                                      | default                          |
|------------------------|--------------------------------------------------------------|----------------------------------|
| PROGOV_DATA_DIR        | where the SQLite database, uploads and the secret key live   | ./progov-data                    |
| PROGOV_DATABASE_URL    | e.g. postgresql://user@127.0.0.1:5432/progov                 | sqlite in the data dir           |
| PROGOV_SECRET_KEY      | Django's secret key                                          | generated once into the data dir |
| PROGOV_AUDIT_KEY       | the audit trail's HMAC key, ≥ 32 characters (docs/audit.md)  | generated once into the data dir |
| PROGOV_AUDIT_CHECKPOINT_PATH | the audit trail's append-only checkpoint file          | audit-checkpoints.log in the data dir |
| PROGOV_DEBUG           | true/false                                                   | false                            |
| PROGOV_ALLOWED_HOSTS   | comma-separated host names                                   | localhost,127.0.0.1              |
| PROGOV_TLS             | true when served behind HTTPS (secure cookies, HSTS)         | true unless PROGOV_DEBUG         |
| PROGOV_MAX_UPLOAD_BYTES | the largest paper accepted, in bytes                        | 26214400 (25 MB)                 |
| PROGOV_S3_BUCKET       | keep papers in this S3 bucket (needs `pip install progov[s3]`)| files in the data dir's media/   |
| PROGOV_S3_ENDPOINT_URL | an S3-compatible service (MinIO, Ceph…)                      | AWS                              |
| PROGOV_S3_REGION       | the bucket's region                                          | boto3's default                  |
| PROGOV_S3_ACCESS_KEY_ID, PROGOV_S3_SECRET_ACCESS_KEY | keys            | boto3's credential chain         |
| PROGOV_S3_PREFIX       | a key prefix inside the bucket                               | none                             |
| PROGOV_TRUSTED_PROXIES | comma-separated IPs/CIDRs of our reverse proxies: only their X-Forwarded-For and X-Request-ID are believed | none |
| PROGOV_SIGNIN_FAILURE_LIMIT | failed sign-ins for one login (from anywhere) that pause its sign-in | 5 |
| PROGOV_SIGNIN_CLIENT_FAILURE_LIMIT | failed sign-ins from one client IP (any logins) that pause sign-in from it | 20 |
| PROGOV_SIGNIN_COOL_OFF_MINUTES | how long sign-in stays paused after the last counted failure | 15 |
| PROGOV_BEARER_FAILURE_LIMIT | bad API bearer tokens from one client before its token calls get 429 | 10 |
| PROGOV_BEARER_FAILURE_WINDOW_SECONDS | the window those bad tokens are counted in (and the 429 lasts) | 60 |
| PROGOV_EMAIL_URL       | where mail goes (password resets): `smtp://user:pw@host:587?tls=true`, `smtps://…`, `console://`, `file:///folder` (progov/core/email_url.py) | console (printed, not sent) |
| PROGOV_EMAIL_FROM      | the sender of progov's mail                                  | progov@localhost                 |
| PROGOV_CACHE_URL       | a Redis cache (`redis://…`) shared by several servers, for the throttle and the read cache (needs `pip install progov[redis]`; PROGOV_REDIS_URL is its older name) | file caches in the data dir |

Correlation ids: every request gets a fresh correlation id (its audit entries carry it), sent
back as `X-Request-ID`. A well-formed `X-Request-ID` is adopted only from a trusted proxy
(PROGOV_TRUSTED_PROXIES); anyone else's is kept as `request.client_request_id`, logged
(logger `progov.request`, and gunicorn's access log) and echoed as `X-Client-Request-ID`.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from progov.core.clients import parse_networks
from progov.core.email_url import email_settings
from progov.core.secret_files import read_or_create_secret


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("PROGOV_DATA_DIR", "progov-data")).expanduser().resolve()

DEBUG = _env_bool("PROGOV_DEBUG", False)
TLS = _env_bool("PROGOV_TLS", not DEBUG)


def _secret_key() -> str:
    configured = os.environ.get("PROGOV_SECRET_KEY")
    if configured:
        return configured
    # Without a configured key we keep one generated key per data dir, so sessions
    # survive restarts of the demo and no key is ever committed.
    return read_or_create_secret(DATA_DIR / "secret_key", nbytes=64)


SECRET_KEY = _secret_key()
# The audit trail's key and checkpoint file live outside the database (docs/audit.md);
# progov/audit/keys.py generates the key into the data dir on first use when unset.
PROGOV_AUDIT_KEY = os.environ.get("PROGOV_AUDIT_KEY", "")
PROGOV_AUDIT_CHECKPOINT_PATH = (
    Path(os.environ.get("PROGOV_AUDIT_CHECKPOINT_PATH") or DATA_DIR / "audit-checkpoints.log")
    .expanduser()
    .resolve()
)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("PROGOV_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # django-ninja's own Swagger UI assets, served from our static files: the API docs
    # then load nothing from a CDN (users run air-gapped).
    "ninja",
    "progov.core",
    "progov.accounts",
    "progov.audit",
    "progov.calendars",
    "progov.governance",
    "progov.meetings",
    "progov.actions",
    "progov.decisions",
    "progov.packs",
    "progov.project",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "progov.core.middleware.CorrelationIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "progov.core.request_bounds.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "progov.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "progov.urls"
WSGI_APPLICATION = "progov.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# Signed in, a user lands on what needs their attention (governance:home).
LOGIN_REDIRECT_URL = "governance:home"
LOGOUT_REDIRECT_URL = "governance:structure"

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
                "progov.core.context_processors.progov",
                "progov.core.readcache.context_processor",
                "progov.accounts.context_processors.permissions",
            ],
        },
    }
]


def _database() -> dict[str, Any]:
    url = os.environ.get("PROGOV_DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "progov.sqlite3"),
        "OPTIONS": {
            # WAL lets readers proceed while one writer writes; IMMEDIATE takes the
            # write lock at BEGIN so two writers never deadlock on lock upgrade.
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # Keep each worker's connection: opening one (and its PRAGMAs) cost more than
        # answering a cached read (core/readcache.py).
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# progov/static/ belongs to no app, so collectstatic only finds it when named here.
STATICFILES_DIRS = [BASE_DIR / "static"]


def _file_storage() -> dict[str, Any]:
    """Uploaded papers: files in the data dir (MEDIA_ROOT), or an S3-compatible bucket
    when PROGOV_S3_BUCKET is set (install `progov[s3]` for django-storages and boto3).
    Downloads always go through progov (the classification check), never a bucket URL."""
    bucket = os.environ.get("PROGOV_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": os.environ.get("PROGOV_S3_PREFIX", "").strip("/"),
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
    }
    for option, variable in (
        ("endpoint_url", "PROGOV_S3_ENDPOINT_URL"),
        ("region_name", "PROGOV_S3_REGION"),
        ("access_key", "PROGOV_S3_ACCESS_KEY_ID"),
        ("secret_key", "PROGOV_S3_SECRET_ACCESS_KEY"),
    ):
        value = os.environ.get(variable, "").strip()
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": _file_storage(),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Production serves hashed, compressed files, so `progov serve` and `progov demo` run
# collectstatic first; the test suite switches to plain storage (progov/conftest.py).
MEDIA_ROOT = DATA_DIR / "media"
# The largest paper (meeting pack, minutes…) accepted for upload, in bytes; larger
# files are refused before anything is stored. Set the reverse proxy's body limit
# (nginx `client_max_body_size`) a little above it.
PROGOV_MAX_UPLOAD_BYTES = int(os.environ.get("PROGOV_MAX_UPLOAD_BYTES") or 25 * 1024 * 1024)

# Security. Deployment behind HTTPS is the default for a non-debug install;
# PROGOV_TLS=false serves plain HTTP on a trusted network (the demo does this).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
SECURE_SSL_REDIRECT = TLS
SECURE_HSTS_SECONDS = 31536000 if TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = TLS
SECURE_HSTS_PRELOAD = TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("PROGOV_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The programme whose pages are shown by default (the first loaded pack if unset).
PROGOV_DEFAULT_PROGRAMME = os.environ.get("PROGOV_PROGRAMME", "")


# --- Sign-in protection, trusted proxies, correlation ids, request bodies -----------------
# One block, on purpose: django-axes (progov/accounts/signin.py), the client address
# (progov/core/clients.py), the body guard and correlation ids (progov/core/middleware.py).
INSTALLED_APPS.append("axes")
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Right after the session user is known, before anything (the CSRF check, a form) reads
# the body: refuses oversized, anonymous and chunked bodies by their headers alone.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "progov.core.middleware.RequestBodyGuardMiddleware",
)
# Turns a refused sign-in into the sign-in page with the lockout message (429).
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# Innermost: 304 and the shared read cache see the signed-in user, and everything outside
# (CSP, CSRF cookie, session, correlation id) still applies to the answers they give.
MIDDLEWARE.append("progov.core.readcache.ReadCacheMiddleware")
# Outermost but for the static files and the correlation id: a plainly anonymous reader's
# answer, as it last left the stack, without running the rest of it (core/readcache.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("progov.core.middleware.CorrelationIdMiddleware") + 1,
    "progov.core.readcache.ReadCacheFrontMiddleware",
)

_TRUSTED_PROXIES_RAW = os.environ.get("PROGOV_TRUSTED_PROXIES", "")
parse_networks(_TRUSTED_PROXIES_RAW)  # a bad value stops the server, naming it
PROGOV_TRUSTED_PROXIES = [p.strip() for p in _TRUSTED_PROXIES_RAW.split(",") if p.strip()]

# Five failed sign-ins lock the login (from everywhere), and twenty the client IP (for
# every login: password spraying; more, so one person's typos do not lock their whole
# office out), for 15 minutes after the last counted failure. Attempts during a lockout
# are refused without being counted, so they do not prolong it: an attacker can keep a
# login locked only by failing five times again after each cool-off (from addresses
# that lock in turn), and an administrator can unlock it at once (/accounts/lockouts/,
# `progov accounts unlock USERNAME`, or the Django admin's user list).
PROGOV_SIGNIN_FAILURE_LIMIT = int(os.environ.get("PROGOV_SIGNIN_FAILURE_LIMIT") or 5)
PROGOV_SIGNIN_CLIENT_FAILURE_LIMIT = int(os.environ.get("PROGOV_SIGNIN_CLIENT_FAILURE_LIMIT") or 20)
PROGOV_SIGNIN_COOL_OFF_MINUTES = int(os.environ.get("PROGOV_SIGNIN_COOL_OFF_MINUTES") or 15)
AXES_HANDLER = "progov.accounts.lockout.ProgovAxesHandler"
AXES_FAILURE_LIMIT = PROGOV_SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=PROGOV_SIGNIN_COOL_OFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success does not wipe the client's failures (it would let one valid login reset a
# password-guesser's count against other accounts).
AXES_RESET_ON_SUCCESS = False
# Sign-ins are audit entries of the login already; axes' own log of them would grow forever.
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "progov.core.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "progov.accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429

# Bad bearer tokens per client (progov/accounts/throttle.py, in the cache below).
PROGOV_BEARER_FAILURE_LIMIT = int(os.environ.get("PROGOV_BEARER_FAILURE_LIMIT") or 10)
PROGOV_BEARER_FAILURE_WINDOW_SECONDS = int(
    os.environ.get("PROGOV_BEARER_FAILURE_WINDOW_SECONDS") or 60
)


def _caches() -> dict[str, Any]:
    """Two caches: `default` (the bearer throttle's counts) and `pages` (the read cache of
    rendered answers, core/readcache.py). Files in the data dir, shared by the gunicorn
    workers of one server; Redis (PROGOV_CACHE_URL, the `redis` extra) when several
    servers must share them. PROGOV_REDIS_URL is the older name of the same setting."""
    url = (os.environ.get("PROGOV_CACHE_URL") or os.environ.get("PROGOV_REDIS_URL") or "").strip()
    day = 24 * 3600
    if url:
        redis = "django.core.cache.backends.redis.RedisCache"
        return {
            "default": {"BACKEND": redis, "LOCATION": url},
            "pages": {"BACKEND": redis, "LOCATION": url, "KEY_PREFIX": "pages", "TIMEOUT": day},
        }
    files = "django.core.cache.backends.filebased.FileBasedCache"
    return {
        "default": {"BACKEND": files, "LOCATION": str(DATA_DIR / "cache")},
        "pages": {
            "BACKEND": files,
            "LOCATION": str(DATA_DIR / "cache-pages"),
            "TIMEOUT": day,
            # Every write changes every key: old answers are culled, a third at a time.
            "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 3},
        },
    }


CACHES = _caches()

# 304 for a current copy and the shared cache of rendered answers (core/readcache.py).
PROGOV_READ_CACHE = _env_bool("PROGOV_READ_CACHE", True)


# --- mail (password resets) ------------------------------------------------------------
globals().update(email_settings(os.environ.get("PROGOV_EMAIL_URL")))
DEFAULT_FROM_EMAIL = os.environ.get("PROGOV_EMAIL_FROM", "progov@localhost")
# A reset link works for a day (Django's default is three).
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
