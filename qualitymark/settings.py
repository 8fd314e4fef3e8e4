"""Settings for the Early Permanence Quality Mark portal.

Every setting comes from the environment with a safe local default, so a fresh
clone runs on SQLite, eager Celery, local-memory cache, a private media folder
and console e-mail. Setting DATABASE_URL, REDIS_URL, the AWS_* variables or
EMAIL_URL switches each part to the real service. DJANGO_ENV=production turns
on the production hardening and refuses to start when it is unsafe.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from .schedule import beat_schedule
from .scheme_settings import scheme_settings
from .template_settings import templates

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_ENV=production.")
    SECRET_KEY = "local-development-only-not-secret"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"],
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Security (issue 11): django.contrib.admin, with every change audited.
    "qualitymark.audit.admin_site.AuditedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_forms_gds",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "qualitymark.core",
    "qualitymark.users",
    "qualitymark.audit",
    "qualitymark.notifications",
    "qualitymark.governance",
    "descriptors",
    "applications",
    "moderation",
]

MIDDLEWARE = [
    "moderation.register_fast_path.RegisterFastPathMiddleware",  # issue 16: before all else
    "django.middleware.security.SecurityMiddleware",
    "qualitymark.core.uploads.OversizedRequestMiddleware",  # issue 16: 413 before reading
    # Security (issue 11): NUL and other control characters in any input answer 400.
    "qualitymark.core.http_hardening.RejectBadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qualitymark.core.sign_in_limit.SignInTimeLimitMiddleware",
    "applications.middleware.DraftRescueMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "qualitymark.audit.middleware.RequestContextMiddleware",
    "qualitymark.core.middleware.SecondFactorRequiredMiddleware",
    # A double click's second sending is answered with the first's result.
    "qualitymark.core.repeated_posts.RepeatedPostMiddleware",
    "qualitymark.governance.access_log.ContentViewMiddleware",
    # Security (issue 11): every page for a signed-in person is private, no-store.
    "qualitymark.core.http_hardening.PrivatePagesNotCachedMiddleware",
]

ROOT_URLCONF = "qualitymark.urls"
WSGI_APPLICATION = "qualitymark.wsgi.application"

TEMPLATES = templates(BASE_DIR)

# --- Database -----------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(exist_ok=True)
    # The demo's two people at once: a writer waits for the other's write to finish
    # (WAL lets reads go on meanwhile) rather than failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL;"
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # No JIT compilation: a page's queries take milliseconds, and compiling one
    # whose estimated cost crosses jit_above_cost took 60 ms more (issue 16).
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Database roles and the audit chain -------------------------------------------------
# The portal runs as DATABASE_URL's role; migrations as DATABASE_OWNER_URL's, which grants
# the portal only INSERT and SELECT on the audit trail (README, qualitymark/audit/roles.py).
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="")
DATABASE_APP_ROLE = DATABASES["default"].get("USER", "") if DATABASE_OWNER_URL else ""
# The audit chain's key, kept out of the database; changing it breaks `verify_audit`.
AUDIT_CHAIN_KEY = env.str("AUDIT_CHAIN_KEY", default="")

# --- Cache and background jobs ---------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="qm"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None) or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"

# --- Files ------------------------------------------------------------------------
# Evidence and certificates are private: there is no MEDIA_URL route, files are
# streamed by permission-checked views or handed out as short-lived signed URLs.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private-media")))
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
# Signed download links expire within minutes, whatever the environment asks for.
SIGNED_URL_SECONDS = min(env.int("SIGNED_URL_SECONDS", default=300), 600)
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="eu-west-2")
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default=None)
    AWS_DEFAULT_ACL = "private"
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = SIGNED_URL_SECONDS
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default="auto")
    # Server-side encryption asked for on every object written: "AES256" (SSE-S3),
    # "aws:kms" (with AWS_S3_SSE_KMS_KEY_ID, or the bucket's default key), or "" for none.
    AWS_S3_SERVER_SIDE_ENCRYPTION = env.str("AWS_S3_SERVER_SIDE_ENCRYPTION", default="AES256")
    AWS_S3_SSE_KMS_KEY_ID = env.str("AWS_S3_SSE_KMS_KEY_ID", default="")
    AWS_S3_OBJECT_PARAMETERS = {}
    if AWS_S3_SERVER_SIDE_ENCRYPTION:
        AWS_S3_OBJECT_PARAMETERS["ServerSideEncryption"] = AWS_S3_SERVER_SIDE_ENCRYPTION
    if AWS_S3_SERVER_SIDE_ENCRYPTION == "aws:kms" and AWS_S3_SSE_KMS_KEY_ID:
        AWS_S3_OBJECT_PARAMETERS["SSEKMSKeyId"] = AWS_S3_SSE_KMS_KEY_ID
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "default_acl": "private",
            "querystring_auth": True,
            "object_parameters": AWS_S3_OBJECT_PARAMETERS,
        },
    }
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    }

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Evidence uploads and virus scanning (clamd) ---------------------------------------
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
EVIDENCE_MAX_APPLICATION_BYTES = env.int(
    "EVIDENCE_MAX_APPLICATION_BYTES", default=200 * 1024 * 1024
)
EVIDENCE_MAX_FILES_PER_SECTION = env.int("EVIDENCE_MAX_FILES_PER_SECTION", default=15)
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=60.0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security (issue 11): limits checked before an upload is parsed ---------------------
UPLOAD_MAX_UNCOMPRESSED_BYTES = env.int("UPLOAD_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
UPLOAD_MAX_COMPRESSION_RATIO = env.int("UPLOAD_MAX_COMPRESSION_RATIO", default=100)
UPLOAD_MAX_ARCHIVE_ENTRIES = env.int("UPLOAD_MAX_ARCHIVE_ENTRIES", default=5000)
UPLOAD_MAX_PDF_PAGES = env.int("UPLOAD_MAX_PDF_PAGES", default=2000)
UPLOAD_MAX_PDF_OBJECTS = env.int("UPLOAD_MAX_PDF_OBJECTS", default=500_000)
# Ceilings for the child process that parses an upload (PDF checks, text extraction).
FILE_PARSE_MEMORY_BYTES = env.int("FILE_PARSE_MEMORY_BYTES", default=768 * 1024 * 1024)
FILE_PARSE_SECONDS = env.int("FILE_PARSE_SECONDS", default=30)

# --- E-mail -------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL",
    default="Early Permanence Quality Mark <no-reply@qualitymark.example>",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CORAM_STAFF_INBOX = env.str("CORAM_STAFF_INBOX", default="qualitymark@coram.example")
vars().update(scheme_settings(env, production=PRODUCTION))  # contact, certificate signer

# --- Accounts -----------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Django's rules, with messages in the service's own words (qualitymark/users/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "qualitymark.users.passwords.NotLikeYourDetails"},
    {"NAME": "qualitymark.users.passwords.MinimumLength", "OPTIONS": {"min_length": 12}},
    {"NAME": "qualitymark.users.passwords.NotCommon"},
    {"NAME": "qualitymark.users.passwords.NotOnlyNumbers"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "core:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "qualitymark.users.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[EP Quality Mark] "
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Accounts are created by invitation only; the public cannot sign up.
ACCOUNT_SIGNUP_OPEN = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="5/5m/ip,5/5m/key"),
    "login": "30/m/ip",
    "reset_password": "10/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "EP Quality Mark"
MFA_RECOVERY_CODE_COUNT = 10
# --- Security (issue 11): proxies in front of the portal ---------------------------------
# How many proxies you run in front of the portal (a TLS proxy: 1). The client
# address is then taken from X-Forwarded-For, that many entries from the right;
# used by the sign-in rate limits and the audit trail (qualitymark/audit/context.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Second-factor secrets encrypted at rest: Fernet keys, the first encrypts (users/secrets.py).
MFA_ADAPTER = "qualitymark.users.secrets.MFAAdapter"
MFA_ENCRYPTION_KEYS = env.list("MFA_ENCRYPTION_KEYS", default=[])

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=int(timedelta(hours=8).total_seconds()))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# --- Front end ----------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_CLASS_CONVERTERS = {"wordlimitedtextarea": "govuk-textarea"}
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Security -----------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# --- The scheme ---------------------------------------------------------------------
# Renewal: up to this long after expiry. Action plans: progress reported this long after the award.
_SCHEME_MONTHS = {"RENEWAL_WINDOW_MONTHS": 12, "ACTION_PLAN_MIDPOINT_MONTHS": 12}
QUALITYMARK = {"AWARD_VALIDITY_YEARS": env.int("AWARD_VALIDITY_YEARS", default=3)} | {
    name: env.int(name, default=months) for name, months in _SCHEME_MONTHS.items()
}
NARRATIVE_WORD_LIMIT = env.int("NARRATIVE_WORD_LIMIT", default=1500)
# Optional wording for the rating levels, as key=Label pairs (for example
# "meets=Established"); the levels and their keys are in moderation/ratings.py.
RATING_LABELS = env.dict("RATING_LABELS", default={})
PANEL_QUORUM = env.int("PANEL_QUORUM", default=3)
MIN_MODERATORS_PER_APPLICATION = env.int("MIN_MODERATORS_PER_APPLICATION", default=2)
REVIEW_DAYS = env.int("REVIEW_DAYS", default=28)
# How long after the decision the agency's lead may ask for a review of it.
APPEAL_WINDOW_DAYS = env.int("APPEAL_WINDOW_DAYS", default=28)
REMINDER_DAYS_BEFORE_DUE = env.int("REMINDER_DAYS_BEFORE_DUE", default=3)

# --- Reliability: nothing lost when a part fails (issue 10) ----------------------------
# Redis is optional at run time: the default cache falls back to local memory
# while Redis is down (qualitymark/core/cache.py).
if REDIS_URL:
    CACHES["default"]["OPTIONS"]["PRIMARY"] = CACHES["default"]["BACKEND"]
    CACHES["default"]["BACKEND"] = "qualitymark.core.cache.FailoverCache"
# Workers may die: a job is acknowledged only when it has finished, and one held
# by a worker that vanished goes back to the queue after the visibility timeout.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_VISIBILITY_TIMEOUT_MINUTES = env.float("CELERY_VISIBILITY_TIMEOUT_MINUTES", default=10)
_VISIBILITY_SECONDS = int(CELERY_VISIBILITY_TIMEOUT_MINUTES * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_SECONDS,
    # Look for jobs of a vanished worker a few times per visibility timeout.
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_SECONDS // 3)),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}
# A web request never waits long for a dead broker: one quick attempt, and the
# outbox sweep sends the job later (qualitymark/core/outbox.py).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=120)
# A job dispatched this long ago and still not done is dispatched again.
OUTBOX_REDISPATCH_MINUTES = env.int("OUTBOX_REDISPATCH_MINUTES", default=5)
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=12)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
CELERY_BEAT_SCHEDULE = beat_schedule(outbox_sweep_seconds=OUTBOX_SWEEP_SECONDS)
