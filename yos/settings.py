"""Settings for the YOS case-management system.

One file, read from the environment with django-environ. With no environment
at all the app runs in its embedded default: DEBUG on, SQLite in the project
folder, Celery tasks run inline. Set DATABASE_URL and REDIS_URL for the
production shape (PostgreSQL, a real Celery worker and beat).
"""

from pathlib import Path

import environ
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="embedded-default-not-for-production")
else:
    SECRET_KEY = env("SECRET_KEY")  # required whenever DEBUG is off
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SERVICE_NAME = env("SERVICE_NAME", default="Youth offending service case management")
ORGANISATION_NAME = env("ORGANISATION_NAME", default="Demo Borough Council")
# With DEBUG on, still answer a missing page with the service's own 404, not
# Django's technical page listing every URL (yos.errors.ServiceErrorPages).
SERVICE_ERROR_PAGES = env.bool("SERVICE_ERROR_PAGES", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_celery_beat",
    "yos",
    "cases",
    "orders",
    "contracts",
    "victims",
    "dashboard",
    "sar",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yos.middleware.HardeningMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yos.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "yos.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
    "yos.errors.ServiceErrorPages",  # innermost: the others see its page
]

ROOT_URLCONF = "yos.urls"
WSGI_APPLICATION = "yos.wsgi.application"
AUTH_USER_MODEL = "yos.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
                "csp.context_processors.nonce",
                "yos.context_processors.service",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5

# --- Cache, Celery ----------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            # Each pytest-xdist worker keeps its own keys in the one Redis
            # (lock-out and rate-limit counts, sessions); empty in production.
            "KEY_PREFIX": env("PYTEST_XDIST_WORKER", default=""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL  # embedded default: tasks run inline
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/London"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longest task (the nightly job) is well under an hour; a redelivery after
# visibility_timeout is harmless because every job is idempotent.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 900
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Auth, sessions, sign-in throttling -------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "yos.backends.UserBackend",
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
LOGIN_URL = "login"
# Password reset by email: the link works once, for an hour. Mail goes to the
# console unless EMAIL_URL names a server (django-environ: smtp://…).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@yos.invalid")
# E-mail a user when a flag is assigned to them or a request of theirs is
# decided (yos.notices). Off by default: the home page always shows both.
NOTIFY_BY_EMAIL = env.bool("NOTIFY_BY_EMAIL", default=False)
LOGIN_REDIRECT_URL = "home"
# Password-reset requests: at most this many e-mails an hour to one address,
# and this many requests an hour from one client address (docs/security.md).
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env.int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", default=3)
PASSWORD_RESET_PER_CLIENT_PER_HOUR = env.int("PASSWORD_RESET_PER_CLIENT_PER_HOUR", default=20)
RATE_LIMIT_KEY_PREFIX = "yos:limit:"  # the suite gives each test its own

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)  # hours
# Five wrong passwords lock a username from one client address for an hour:
# an anonymous stranger elsewhere cannot lock anyone out by guessing their
# username. A distributed guess is still stopped by the slower per-username
# limit: after 99 failures in an hour, from any addresses, the account refuses
# the 100th attempt (ASVS 2.2.1: no more than 100 failed attempts an hour;
# SECURITY.md check 8: locked before attempt 100), applied by yos.signin over
# the failures axes logs. Usernames are normalised
# the same way for sign-in and lock-out (yos.signin.normalise_username).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "yos.signin.axes_username"
ACCOUNT_FAILURE_LIMIT_PER_HOUR = env.int("ACCOUNT_FAILURE_LIMIT_PER_HOUR", default=99)
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # what the per-account limit counts
if env.bool("BEHIND_PROXY", default=False):
    # The client's address is the one the load balancer appends.
    AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=1)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Two-factor sign-in (TOTP, django-otp): required for these roles, available to
# everyone from the "Two-factor authentication" page.
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=["supervisor", "administrator"])
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default=SERVICE_NAME)

# Policy: 30 minutes idle, 8 hours absolute (docs/security.md).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=8 * 60 * 60)
# The time-out warning opens this long before either limit (docs/accessibility.md).
SESSION_TIMEOUT_WARNING_SECONDS = env.int("SESSION_TIMEOUT_WARNING_SECONDS", default=2 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "yos.views.csrf_failure"

# --- Security headers -------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# gov.uk and its subdomains are on the preload list already; override if not.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Features no page of the service uses, refused for every page and frame.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(self), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), sync-xhr=(), usb=(), xr-spatial-tracking=()"
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
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

DATA_UPLOAD_MAX_NUMBER_FILES = 10
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# --- Static and private files -----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Generated letters and uploads: never under a public URL; served only through
# permission-checked views.
PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "private")))
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
# No URL serves this prefix; it exists because Django's test live server would
# otherwise treat every path as a media file.
MEDIA_URL = "/no-public-media/"
WHITENOISE_USE_FINDERS = DEBUG
# Our pages load our static files from our own origin: no cross-origin reads.
WHITENOISE_ALLOW_ALL_ORIGINS = False
WHITENOISE_AUTOREFRESH = DEBUG

# --- Forms ------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- I18N -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Domain settings --------------------------------------------------------
# The two "ending soon" windows, each named once (docs/architecture.md):
# the nightly flags warn of an order's counselling, a requirement or a contract
# ending within FLAG_WARNING_DAYS (yos.lib.dates.flag_window_end); the
# dashboard counts orders and requirements ending in the ENDING_SOON_DAYS
# after its range ("ending in the next 30 days", PRODUCT.md, Dashboards).
FLAG_WARNING_DAYS = env.int("FLAG_WARNING_DAYS", default=14)
ENDING_SOON_DAYS = env.int("ENDING_SOON_DAYS", default=30)
CONTRACT_SIGNING_ALLOWED_DAYS = env.int("CONTRACT_SIGNING_ALLOWED_DAYS", default=10)
LETTER_DUE_WITHIN_DAYS = env.int("LETTER_DUE_WITHIN_DAYS", default=14)  # docs/domain-letters.md
# Warning letters approved by a supervisor rather than the case manager
# (docs/domain-letters.md "Approval"); other letters are always the case manager's.
LETTERS_SUPERVISOR_APPROVES_WARNINGS = env.bool(
    "LETTERS_SUPERVISOR_APPROVES_WARNINGS", default=False
)
# Letters put into a print pack between two progress updates.
PRINT_PACK_PROGRESS_EVERY = env.int("PRINT_PACK_PROGRESS_EVERY", default=10)
# Letters the nightly job renders and commits together; the pause after each
# chunk exists only so the crash test can kill the job between two chunks.
NIGHTLY_LETTER_CHUNK_SIZE = env.int("NIGHTLY_LETTER_CHUNK_SIZE", default=50)
NIGHTLY_CHUNK_PAUSE_SECONDS = env.float("NIGHTLY_CHUNK_PAUSE_SECONDS", default=0.0)
# Retention per record class, in years (a council's policy, not a national rule).
RETENTION_YEARS = {
    "out_of_court": env.int("RETENTION_YEARS_OUT_OF_COURT", default=3),
    "referral_order": env.int("RETENTION_YEARS_REFERRAL_ORDER", default=3),
    "court_order": env.int("RETENTION_YEARS_COURT_ORDER", default=5),
    "prevention": env.int("RETENTION_YEARS_PREVENTION", default=3),
}
LETTERHEAD = {
    "organisation": ORGANISATION_NAME,
    "service": env("LETTERHEAD_SERVICE", default="Youth Offending Service"),
    "address": env.list(
        "LETTERHEAD_ADDRESS", default=["Civic Centre", "1 High Street", "Demo Town", "DT1 1AA"]
    ),
    "telephone": env("LETTERHEAD_TELEPHONE", default="01234 567890"),
}

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # django.request passes WARNING (403s) to yos.security_log; print errors only.
        "console_errors": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "level": "ERROR",
        },
        "security_events": {"class": "yos.security_log.DeniedHandler", "level": "WARNING"},
    },
    "loggers": {
        "yos.security": {"handlers": ["console"], "level": "INFO", "propagate": True},
        "django.request": {
            "handlers": ["console_errors", "security_events"],
            "level": "WARNING",
            "propagate": True,
        },
        "django.security.csrf": {
            "handlers": ["security_events"],
            "level": "WARNING",
            "propagate": True,
        },
    },
}
