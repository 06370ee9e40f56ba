"""Django settings of the portal, from environment variables with safe defaults.

PORTAL_DATA    folder for the SQLite database, the secret key and every uploaded file (default: data)
DATABASE_URL   e.g. postgres://user:pass@host/db; default SQLite in PORTAL_DATA
PORTAL_HTTPS   1 when served behind HTTPS: secure cookies, HSTS
PORTAL_HOSTS   comma-separated host names accepted (default: any, the portal binds 127.0.0.1)
PORTAL_DEBUG   1 for Django's debug pages (never on an intranet server)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("PORTAL_DATA", "data")).resolve()


def _secret_key() -> str:
    """PORTAL_SECRET_KEY, else one generated once and kept in the data folder (mode 0600)."""
    if os.environ.get("PORTAL_SECRET_KEY"):
        return os.environ["PORTAL_SECRET_KEY"]
    path = DATA / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        DATA.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key)
        return key


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("PORTAL_DEBUG") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("PORTAL_HOSTS", "*").split(",") if h.strip()]
HTTPS = os.environ.get("PORTAL_HTTPS") == "1"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "pipeline.web.apps.PortalConfig",
]

MIDDLEWARE = [
    "pipeline.web.security.UploadLimitMiddleware",  # before anything reads the body
    "django.middleware.security.SecurityMiddleware",
    "pipeline.web.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "pipeline.web.urls"
WSGI_APPLICATION = "pipeline.web.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        import dj_database_url

        return dict(dj_database_url.parse(url, conn_max_age=60))
    DATA.mkdir(parents=True, exist_ok=True)
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA / "portal.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"}}


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new and changed passwords are hashed with it; older hashes upgrade at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# django-axes: five wrong passwords for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("PORTAL_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked.html"
AXES_VERBOSE = False

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # one working day
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

# Uploads: a request body, the files in it, and a zip's members are all bounded.
PORTAL_MAX_UPLOAD_BYTES = int(os.environ.get("PORTAL_MAX_UPLOAD_MB", "100")) * 1024 * 1024
PORTAL_MAX_FILES = 50
PORTAL_MAX_ZIP_MEMBERS = 200
PORTAL_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440  # the non-file part of a request
DATA_UPLOAD_MAX_NUMBER_FILES = PORTAL_MAX_FILES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
FILE_UPLOAD_PERMISSIONS = 0o640

# Analysis runs in a worker process with these limits (seconds, bytes of address space).
PORTAL_JOB_SECONDS = int(os.environ.get("PORTAL_JOB_SECONDS", "180"))
PORTAL_JOB_MEMORY = int(os.environ.get("PORTAL_JOB_MEMORY_MB", "3072")) * 1024 * 1024
PORTAL_JOBS_AT_ONCE = int(os.environ.get("PORTAL_JOBS_AT_ONCE", "2"))
# Tests run jobs in the request (still in a worker process) so the test database sees them.
PORTAL_BACKGROUND = os.environ.get("PORTAL_BACKGROUND", "1") == "1"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = DATA / "static"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "loggers": {"pipeline.web": {"handlers": ["console"], "level": "INFO"}}}
# PDF beside the Word report when LibreOffice is installed (PORTAL_PDF=0 turns it off).
PORTAL_PDF = os.environ.get("PORTAL_PDF", "1") == "1"
