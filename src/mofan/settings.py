"""Settings for Mofan, read from the environment.

DATABASE_URL   database (default: SQLite in WAL mode under MOFAN_DATA_DIR)
REDIS_URL      cache, sessions and huey queue (default: local memory, database, SQLite huey)
SECRET_KEY     signing key (default: generated once into MOFAN_DATA_DIR)
MOFAN_DATA_DIR where the embedded default keeps its files (default: ./var)
MOFAN_KEY_DIR  where generated keys are kept: secret, field and hash keys (default: MOFAN_DATA_DIR)
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent
ROOT_DIR = PROJECT_DIR.parent.parent
DATA_DIR = Path(os.environ.get("MOFAN_DATA_DIR", ROOT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
# Keys apart from the data in production, so that a copy of the data (or its backups) does not
# carry the keys that decrypt it.
KEY_DIR = Path(os.environ.get("MOFAN_KEY_DIR") or DATA_DIR).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    KEY_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_file = KEY_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("MOFAN_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    "mofan.core",
    "mofan.accounts",
    "mofan.orgs",
    "mofan.members",
    "mofan.orglife",
    "mofan.volunteer",
    "mofan.cobuild",
    "mofan.study",
    "mofan.lawedu",
    "mofan.portal",
    "mofan.campaigns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mofan.portal.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mofan.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mofan.core.middleware.SecurityHeadersMiddleware",
    "mofan.core.middleware.RequestContextMiddleware",
    "mofan.accounts.middleware.SessionSecurityMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mofan.urls"
WSGI_APPLICATION = "mofan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mofan.core.context_processors.shell",
            ],
        },
    },
]

# Database: SQLite (WAL, immediate transactions) unless DATABASE_URL names another.
_SQLITE_URL = f"sqlite:///{DATA_DIR / 'mofan.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _SQLITE_URL))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend with write transactions queued on a file lock (core/sqlite).
    DATABASES["default"]["ENGINE"] = "mofan.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
# A worker keeps its connection for a minute instead of opening one (and running the PRAGMAs)
# for every request: on SQLite that opening cost more than a cached portal page.
DATABASES["default"]["CONN_MAX_AGE"] = 60
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

HUEY = {
    "name": "mofan",
    "immediate": _env_bool("MOFAN_HUEY_IMMEDIATE"),
    "utc": False,  # periodic tasks at Beijing time (Django sets the process time zone)
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "huey.sqlite3")}

# Accounts and login security (等保 2.0 level 3).
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mofan.accounts.backends.UsernameOrMobileBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "mofan.accounts.validators.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "mofan.accounts.validators.PasswordHistoryValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("MOFAN_IDLE_TIMEOUT_MINUTES", "30")))
# 等保: passwords are changed periodically; 0 turns the rule off.
PASSWORD_MAX_AGE = timedelta(days=int(os.environ.get("MOFAN_PASSWORD_MAX_AGE_DAYS", "90")))
SESSION_COOKIE_AGE = int(IDLE_TIMEOUT.total_seconds())
# Saved when changed: SessionSecurityMiddleware refreshes the activity time once a minute,
# which also moves the expiry on.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("MOFAN_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Axes sees the client address the way the rest of Mofan does (X-Real-IP only behind our proxy).
AXES_CLIENT_IP_CALLABLE = "mofan.core.middleware.request_ip"
AXES_USERNAME_CALLABLE = "mofan.accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Per address, counted over the same ten minutes: many accounts tried from one place are
# stopped, with a higher limit than one account's, since an office shares one address.
MOFAN_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("MOFAN_LOGIN_IP_FAILURE_LIMIT", "20"))
# After this many wrong passwords for an account or from an address the form asks for a code.
MOFAN_LOGIN_CAPTCHA_AFTER = int(os.environ.get("MOFAN_LOGIN_CAPTCHA_AFTER", "3"))
# Open sessions one user may hold; signing in once more ends the oldest.
MOFAN_MAX_SESSIONS_PER_USER = int(os.environ.get("MOFAN_MAX_SESSIONS_PER_USER", "3"))
# A session ends this long after sign-in however active it is (the idle timeout comes first).
MOFAN_SESSION_MAX_AGE = timedelta(hours=int(os.environ.get("MOFAN_SESSION_MAX_AGE_HOURS", "12")))
# The last N passwords of an account cannot be chosen again.
MOFAN_PASSWORD_HISTORY = int(os.environ.get("MOFAN_PASSWORD_HISTORY", "5"))
# Administrators (三员) and work committee administrators confirm each sign-in with a TOTP code.
MOFAN_ADMIN_2FA = _env_bool("MOFAN_ADMIN_2FA", True)
OTP_TOTP_ISSUER = os.environ.get("MOFAN_TOTP_ISSUER", "Mofan")

# Language, time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# E-mail: off unless an SMTP server is configured; in-app messages are then also sent by mail.
EMAIL_HOST = os.environ.get("MOFAN_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("MOFAN_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("MOFAN_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MOFAN_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("MOFAN_SMTP_STARTTLS")
EMAIL_USE_SSL = _env_bool("MOFAN_SMTP_SSL")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("MOFAN_MAIL_FROM", "mofan@localhost")
MOFAN_EMAIL_ENABLED = bool(EMAIL_HOST)
# The address people open Mofan at, for links in e-mails (e.g. https://dj.example.gov.cn).
MOFAN_SITE_URL = os.environ.get("MOFAN_SITE_URL", "").rstrip("/")

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# One-time messages ride in a signed cookie (the session only when they do not fit): a request
# that only says "someone else claimed it" writes nothing to the database, so a burst of such
# answers does not queue for SQLite's write lock behind the one that did write.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

# Behind nginx the client address arrives in X-Real-IP; only trust it when told so.
MOFAN_BEHIND_PROXY = _env_bool("MOFAN_BEHIND_PROXY")

# Mofan rules kept as settings (DOMAIN_RULES.md marks them local or configurable).
MOFAN_TERM_REMINDER_DAYS = int(os.environ.get("MOFAN_TERM_REMINDER_DAYS", "183"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOFAN_LOG_LEVEL", "WARNING")},
}
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # lockout is per account, as 等保 asks
