"""Settings of the portal: one module, everything read from the environment.

Local defaults are safe for a developer machine (SQLite, a filesystem Celery broker, console e-mail);
production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and the e-mail variables
(see .env.example). Tests only override.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.beat import BEAT_SCHEDULE
from config.environment import env_bool, env_list, local_secret_key
from config.object_store import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",  # django.contrib.admin, open to the system administrator only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "guardian",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "captcha",
    # The project's apps: the core, the engine and targets, the stages, the apps above them, the project on top.
    *("portal", "rubrics", "levels", "platforms", "satisfaction", "complaints", "appraisal", "applications", "review"),
    *("publicity", "awards", "communities", "reporting", "showcase", "config"),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses text responses (HTML, CSV, JSON) for browsers that accept gzip; static files come precompressed
    # from WhiteNoise.
    "portal.middleware.TextGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers visitors' public pages from the cache before the middleware below runs (portal/public_cache.py).
    "portal.public_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The second factor before the forced password change: nobody changes a password on the strength of one factor.
    "portal.middleware.SecondFactorRequiredMiddleware",
    "portal.middleware.PasswordChangeRequiredMiddleware",
    # Axes last, as its documentation asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.portal",
            ],
        },
    },
]
FORM_RENDERER = "portal.forms.PortalFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the Celery worker write the same file without "database is locked".
    # Connections persist (DB_CONN_MAX_AGE) as on PostgreSQL: a new SQLite connection per request costs 3–5 ms of
    # CPU (the PRAGMAs, then reading the schema on its first query), more than a whole cached page.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis down must not take the portal down (nothing lost): django-redis answers a failed read as a miss and
    # drops a failed write, with a log line; sessions then come from the database (cached_db), pages are rendered.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Accounts --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "portal.passwords.SimilarityPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.ComplexityPasswordValidator", "OPTIONS": {"min_classes": 3}},
]
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))
ACCOUNT_INACTIVE_DAYS = int(os.environ.get("ACCOUNT_INACTIVE_DAYS", "90"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: no shared anonymous account row (docs/security.md 1: no default accounts ship).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-axes: lock by username and, separately, by IP address (docs/security.md 3).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "30")) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Not axes' own reset: it deletes every failure counted against the address too, so an attacker could sign in to an
# account of their own between guesses and never be locked out by address. A success clears only the failures of
# the username that signed in (portal.signals.logged_in).
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "portal.clientip.client_ip"
# Unlocking is the security administrator's, in the portal (not the system administrator's admin site).
AXES_ENABLE_ADMIN = False

# The reverse proxies in front of the portal (addresses or networks, comma-separated). Only a request from one of
# these may name the client in X-Forwarded-For (portal/clientip.py); empty = the portal faces clients directly.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
FORWARDED_FOR_HEADER = "HTTP_" + os.environ.get("FORWARDED_FOR_HEADER", "X-Forwarded-For").upper().replace("-", "_")
# Password-reset e-mails one address, and one account, may ask for per hour.
PASSWORD_RESET_RATE_PER_HOUR = int(os.environ.get("PASSWORD_RESET_RATE_PER_HOUR", "5"))
PASSWORD_RESET_ACCOUNT_RATE_PER_HOUR = int(os.environ.get("PASSWORD_RESET_ACCOUNT_RATE_PER_HOUR", "3"))

# Second factor (docs/security.md 5): TOTP (django-otp) for programme admins, department leads, the three administrators
# and superusers, and for reviewers where the programme says so; enrolment by QR code at the first login, ten
# recovery codes shown once. Off only where a test says so.
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = "标杆评定"
# Set by `manage.py demo` for the processes it starts: the demo accounts' fixed tokens work only then (a system check
# refuses them anywhere else, DEBUG off).
DEMO_MODE = env_bool("PORTAL_DEMO")

# Sessions: 30 minutes idle (docs/security.md 4); requests renew the deadline, but the session is saved (a database
# write) at most once per SESSION_REFRESH_SECONDS rather than on every request
# (portal.middleware.SessionIdleRefreshMiddleware).
# Sessions are read from the cache (Redis in production) and written through to the database, so a signed-in
# request costs one query less and a restart of Redis loses no session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Language and time -----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads are private: MEDIA_ROOT is never mapped to a URL; files are served by permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# No URL pattern or web-server rule serves this prefix; it is set only because Django needs a string here.
MEDIA_URL = "/private-media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # WhiteNoise's compressed manifest storage, each URL worked out once per process.
        "BACKEND": "portal.static_storage.StaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Several web and worker containers (on several machines) share uploads and generated files through an
# S3-compatible object store (MinIO in docker-compose.yml): set S3_BUCKET. Unset, they stay under MEDIA_ROOT, which
# only the processes of one machine can share.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = s3_storage(
        bucket=S3_BUCKET,
        endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
        region=os.environ.get("S3_REGION") or "us-east-1",
        access_key=os.environ.get("S3_ACCESS_KEY_ID") or None,
        secret_key=os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        addressing_style=os.environ.get("S3_ADDRESSING_STYLE", ""),
        encryption=os.environ.get("S3_SERVER_SIDE_ENCRYPTION", ""),
    )
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------------------------
# Without EMAIL_HOST (the demo, a machine not yet connected to a mail server) each message is written to a file in
# var/mail/ instead of being sent, so nothing is lost and the terminal stays readable.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if os.environ.get("EMAIL_HOST") else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "标杆评定 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ----------------------------------------------------------------------------------------
# Without REDIS_URL the broker is kombu's filesystem transport: no server needed for the demo.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
_BROKER_DIR = VAR_DIR / "celery-broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _BROKER_DIR.mkdir(parents=True, exist_ok=True)
    (_BROKER_DIR / "processed").mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR),
        "data_folder_out": str(_BROKER_DIR),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True  # progress and outcomes live in the database, not in a result backend
CELERY_TASK_ACKS_LATE = True  # a killed worker leaves its task on the queue instead of losing it
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE  # config/beat.py

# --- Security headers ------------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SECURE_SSL_REDIRECT else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Change reasons in the field history are the users' own reasons (a return reason is up to 1,000 characters):
# a text column, not simple-history's default varchar(100), which PostgreSQL refused (found by the fuzz test).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Audit (docs/security.md 8–9) -----------------------------------------------------------------------
# Days an audit record is kept; at least 183 (网络安全法 article 21), which a system check enforces.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "183"))
# The hash of the audit chain, by hashlib name: "sm3" where the bureau needs 密评 and OpenSSL provides it.
# Changing it makes the existing chain unverifiable: choose once, before the first record.
AUDIT_HASH = os.environ.get("AUDIT_HASH", "sha256")
# The key of the audit chain's HMAC and of its anchors (portal/audit_keys.py), at least 32 characters, e.g.
# python -c "import secrets; print(secrets.token_urlsafe(48))". Unset: a per-machine key in var/audit_key, which
# serves one machine only (web, worker and beat must share one key). Never in the database nor in a backup: back
# it up with FIELD_ENCRYPTION_KEYS; a restored database verifies only with the key its records were signed with.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
# Append-only file of the chain's anchors (one JSON line per head; portal/audit_anchors.py). Production puts it on
# another volume than the database's, and ships each line off the machine (the "portal.audit_anchors" log lines).
AUDIT_ANCHOR_PATH = Path(os.environ.get("AUDIT_ANCHOR_PATH", VAR_DIR / "audit-anchors.jsonl"))
# The digest printed on published notices, announcements, revocations and plaques (docs/security.md 21); "sm3" where
# the bureau needs 密评 and OpenSSL provides it. Changing it makes earlier digests read as "不一致".
PUBLICATION_HASH = os.environ.get("PUBLICATION_HASH", "sha256")

# --- Portal ----------------------------------------------------------------------------------------
PORTAL_NAME = _("就业服务质量标杆机构评定")
# The region of the bureaus that run the portal, named before them in every page's header (e.g. 高青县, 淄博市).
PORTAL_REGION = os.environ.get("PORTAL_REGION", "高青县")
PAGINATE_BY = 20
# Absolute address of the portal, for links in e-mails (e.g. https://biaogan.example.gov.cn).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# clamd for antivirus scanning of uploads ("127.0.0.1:3310" or "unix:/run/clamav/clamd.ctl"); unset = no scan.
CLAMD_ADDRESS = os.environ.get("CLAMD_ADDRESS") or None
CLAMD_TIMEOUT = int(os.environ.get("CLAMD_TIMEOUT", "10"))

# --- Personal data (docs/security.md 17–20) -------------------------------------------------------------
# Fernet keys that encrypt objectors' identities at rest, newest first (comma-separated, for rotation).
# Unset: a per-machine key in var/field_key. Keep it outside the database and back it up separately:
# without it the identities in a restored database cannot be read.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
# Days after an objection, a complaint or a rating's case is closed until the person's identity is purged.
OBJECTION_RETENTION_DAYS = int(os.environ.get("OBJECTION_RETENTION_DAYS", "180"))
# Objections one address may file per hour (with the CAPTCHA this keeps robots out).
OBJECTION_RATE_PER_HOUR = int(os.environ.get("OBJECTION_RATE_PER_HOUR", "5"))
# Complaints one address may file per hour (意见箱), and the hour after which a complaint's first answer is due by the
# end of the next working day rather than the same day (HH:MM).
COMPLAINT_RATE_PER_HOUR = int(os.environ.get("COMPLAINT_RATE_PER_HOUR", "5"))
COMPLAINT_SAME_DAY_CUTOFF = os.environ.get("COMPLAINT_SAME_DAY_CUTOFF", "17:00")
# Ratings (好差评) one device may give a window per hour, and one address (a service hall's Wi-Fi) per window per day.
SATISFACTION_DEVICE_PER_HOUR = int(os.environ.get("SATISFACTION_DEVICE_PER_HOUR", "1"))
SATISFACTION_ADDRESS_PER_DAY = int(os.environ.get("SATISFACTION_ADDRESS_PER_DAY", "30"))
# Working days a handler has to verify an objection, by default.
OBJECTION_HANDLING_DAYS = int(os.environ.get("OBJECTION_HANDLING_DAYS", "5"))
# Text messages to objectors: dotted path of a callable(phone, text); unset = none sent (e-mail only).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "")
# Offline CAPTCHA (django-simple-captcha): images drawn by Pillow with its bundled font.
CAPTCHA_IMAGE_SIZE = (120, 40)
CAPTCHA_FONT_SIZE = 30
CAPTCHA_LENGTH = 4
CAPTCHA_CHALLENGE_FUNCT = "portal.captcha.unambiguous_challenge"
CAPTCHA_TIMEOUT = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The filesystem broker (demo, no Redis) has no host name and says so at every connection.
        "kombu.connection": {"level": "ERROR"},
    },
}
