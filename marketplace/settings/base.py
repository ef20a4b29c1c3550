"""Settings shared by every environment; everything that differs comes from the environment.

The defaults are the embedded run: SQLite under var/, tasks in-process, e-mail as .eml files.
Set DATABASE_URL, REDIS_URL and EMAIL_URL to run against PostgreSQL, Redis/Celery and SMTP.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("KIEZMARKT_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="embedded-only-insecure-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address of the web app, used for links in e-mails and calendar feeds.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Kiezmarkt"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "marketplace",
    "notifications",
    "listings",
    "network",
    "bookings",
    "needs",
    "donations",
    "reports",
    "web",
]

MIDDLEWARE = [
    # While the database is away: 503 with Retry-After (JSON under /api/), not a 500 (outage.py).
    "marketplace.outage.DatabaseOutageMiddleware",
    # Warns when requests come through a proxy that NUM_PROXIES does not count (proxies.py).
    "marketplace.proxies.ForwardedForWithoutProxiesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (web/middleware.py).
    "web.middleware.ContentSecurityPolicyMiddleware",
    # Permissions-Policy; Cache-Control "private, no-store" for the API and signed-in pages.
    "web.middleware.PrivacyHeadersMiddleware",
    # Domain errors a web page did not handle become an error page with their message.
    "web.middleware.DomainErrorPageMiddleware",
    # Last, as django-axes asks: it turns lockouts raised during authentication into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
SQLITE_URL = f"sqlite:///{VAR_DIR / 'kiezmarkt.sqlite3'}"
DATABASES = {"default": env.db("DATABASE_URL", default=SQLITE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the database lock instead of failing at once ("database is locked"):
    # BEGIN IMMEDIATE serialises writing transactions, the busy timeout lets them wait.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, splitting bulk inserts at the 65,535 parameters that server-side
        # binding allows a statement (marketplace/postgresql/base.py).
        DATABASES["default"]["ENGINE"] = "marketplace.postgresql"
    # Parameters travel apart from the statement (server-side binding), and psycopg prepares a
    # statement once a connection has run it DATABASE_PREPARE_THRESHOLD times, so PostgreSQL
    # parses and plans it once per connection rather than per request: half the database's
    # CPU per booking request (benchmarks/booking.py). 0 turns preparing off, as a
    # transaction-pooling PgBouncer older than 1.21 needs.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=env.int("DATABASE_PREPARE_THRESHOLD", default=5) or None,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How long a request waits for a row lock (PostgreSQL's lock_timeout) before it answers 409 Busy
# with Retry-After (marketplace/locking.py).
LOCK_TIMEOUT_MS = env.int("LOCK_TIMEOUT_MS", default=3000)
# Seconds a client is asked to wait (Retry-After) while the database is unreachable.
DATABASE_OUTAGE_RETRY_AFTER = env.int("DATABASE_OUTAGE_RETRY_AFTER", default=15)
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "marketplace.postgresql"

# --- Redis, cache and Celery ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis that falls back to process memory while Redis is unreachable, so
            # that throttled requests (sign-in, sign-up) do not fail with it (marketplace/cache.py).
            "BACKEND": "marketplace.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="kiezmarkt"),
            "OPTIONS": {
                # Short: a request must not hang on a Redis that does not answer.
                "SOCKET_CONNECT_TIMEOUT": env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
                "SOCKET_TIMEOUT": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
                # After a failure, this long in process memory before Redis is tried again.
                "RETRY_SECONDS": env.float("CACHE_RETRY_SECONDS", default=5.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
# Without a broker the tasks run in-process, right after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tasks that are not acknowledged within this time are handed to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Celery closes the database connection around every task unless this is set, and a new
# PostgreSQL connection costs more than a short task (~10 ms). With it a worker process keeps
# its connection and replaces it every this many tasks; tasks drop a broken or expired one
# themselves with django.db.close_old_connections() (see notifications/tasks.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100)
CELERY_BEAT_SCHEDULE: dict = {
    # Re-queues notifications whose task was lost (Redis or a worker died) or whose retry is due.
    "notifications-sweep": {
        "task": "notifications.tasks.sweep_notifications",
        "schedule": env.float("NOTIFICATIONS_SWEEP_SECONDS", default=60.0),
    },
    # Job offers close themselves once their application deadline has passed.
    "listings-close-expired-jobs": {
        "task": "listings.tasks.close_expired_job_offers",
        "schedule": env.float("LISTINGS_CLOSE_JOBS_SECONDS", default=3600.0),
    },
    # "Soonest" sorts volunteer actions by their next slot; move it past slots that ended.
    "listings-refresh-next-dates": {
        "task": "listings.tasks.refresh_next_dates",
        "schedule": env.float("LISTINGS_NEXT_DATES_SECONDS", default=3600.0),
    },
    # Idempotency-Keys are kept 24 hours (clients retry within minutes, not days).
    "marketplace-purge-idempotency-keys": {
        "task": "marketplace.tasks.purge_idempotency_keys",
        "schedule": env.float("IDEMPOTENCY_PURGE_SECONDS", default=3600.0),
    },
    # Booking requests nobody answered in BOOKINGS_REQUEST_EXPIRY_DAYS expire.
    "bookings-expire-unanswered": {
        "task": "bookings.tasks.expire_unanswered",
        "schedule": env.float("BOOKINGS_EXPIRE_SECONDS", default=900.0),
    },
    # Waiting-list entries whose day (the slot's day, the pickup day) has passed end.
    "bookings-expire-waitlist": {
        "task": "bookings.tasks.expire_waitlist",
        "schedule": crontab(minute=15, hour="*/3"),
    },
    # Loans handed over and not back by their end date become overdue and keep their units taken.
    "bookings-mark-overdue": {
        "task": "bookings.tasks.mark_overdue_loans",
        "schedule": env.float("BOOKINGS_OVERDUE_SECONDS", default=3600.0),
    },
    # Reminders the day before a volunteer action or a pick-up, and before a loan is due back.
    # Hourly in the daytime (Berlin): a missed run is caught up, nobody is mailed at night, and
    # the event keys send each reminder once.
    "bookings-remind-upcoming": {
        "task": "bookings.tasks.remind_upcoming",
        "schedule": crontab(minute=5, hour="8-20"),
    },
    # Network events: a reminder the day before to everyone with a seat (each once; hourly in
    # the daytime, as the bookings' reminders), the hosts' notes deleted after the event, and
    # recurring series expanded into the next months.
    "network-remind-tomorrow": {
        "task": "network.tasks.remind_tomorrow",
        "schedule": crontab(minute=10, hour="8-20"),
    },
    "network-purge-notes": {
        "task": "network.tasks.purge_notes",
        "schedule": env.float("NETWORK_PURGE_NOTES_SECONDS", default=3600.0),
    },
    "network-extend-series": {
        "task": "network.tasks.extend_series",
        "schedule": env.float("NETWORK_EXTEND_SERIES_SECONDS", default=86400.0),
    },
    # Needs (Gesuche) past their open-until day or their date expire; the members of fitting
    # companies get at most one digest a day of the needs published since their last one (the
    # morning run sends it; later runs find that day's digest already sent).
    "needs-expire": {
        "task": "needs.tasks.expire_needs",
        "schedule": env.float("NEEDS_EXPIRE_SECONDS", default=3600.0),
    },
    "needs-send-digests": {
        "task": "needs.tasks.send_digests",
        "schedule": crontab(minute=30, hour="8"),
    },
    # Candidates' data leaves referrals BOOKINGS_REFERRAL_RETENTION_MONTHS after they ended.
    "bookings-anonymise-referrals": {
        "task": "bookings.tasks.anonymise_referrals",
        "schedule": env.float("BOOKINGS_ANONYMISE_SECONDS", default=86400.0),
    },
    # In January each organisation's admins get the list of donors due a collective receipt
    # for the year just ended (daily; the task does nothing outside January and sends once).
    "donations-offer-collective-receipts": {
        "task": "donations.tasks.offer_collective_receipts",
        "schedule": env.float("DONATIONS_COLLECTIVE_OFFER_SECONDS", default=86400.0),
    },
}
BOOKINGS_REQUEST_EXPIRY_DAYS = env.int("BOOKINGS_REQUEST_EXPIRY_DAYS", default=5)
BOOKINGS_REFERRAL_RETENTION_MONTHS = env.int("BOOKINGS_REFERRAL_RETENTION_MONTHS", default=6)

# --- Users and authentication ---------------------------------------------------------------
AUTH_USER_MODEL = "marketplace.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/anmelden/"
LOGIN_REDIRECT_URL = "/"
# Links in verification, reset and invitation e-mails stop working after these times.
EMAIL_VERIFICATION_MAX_AGE = timedelta(days=env.int("EMAIL_VERIFICATION_DAYS", default=3))
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_MAX_AGE = timedelta(days=env.int("INVITATION_DAYS", default=14))

# Failed sign-ins: after AXES_FAILURE_LIMIT failures for one e-mail address from one IP address
# that pair is locked for AXES_COOLOFF_TIME (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_USERNAME_FORM_FIELD = "email"
# The same address for the sign-in page, the API's token endpoint and the admin's sign-in form.
AXES_USERNAME_CALLABLE = "marketplace.api.accounts.client_username"
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
# Sign-in views answer a lockout themselves (the API with JSON); keep that answer.
AXES_LOCKOUT_CALLABLE = "marketplace.api.accounts.lockout_response"
# The same client address as the throttles (REST_FRAMEWORK["NUM_PROXIES"]).
AXES_CLIENT_IP_CALLABLE = "marketplace.api.accounts.client_ip_address"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# One way of writing dates per language (marketplace/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["marketplace.formats"]

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
# The web pages' stylesheet, images and vendored scripts (static/ at the top of the repository).
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kiezmarkt <noreply@kiezmarkt.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "notifications.mail_backends.EmlFileBackend"
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The outbox (notifications/services.py): a row queued or sending for longer than this is queued
# again by the sweep; keep it well above the time one e-mail may take (EMAIL_TIMEOUT).
NOTIFICATIONS_STUCK_AFTER_SECONDS = env.float("NOTIFICATIONS_STUCK_AFTER_SECONDS", default=300.0)
# A web process gathers the notifications its requests commit within this window and hands
# them to Celery together (notifications/tasks.py, GatheredHandOff): an e-mail waits this long.
# 0: each commit hands its own over at once.
NOTIFICATIONS_HAND_OFF_SECONDS = env.float("NOTIFICATIONS_HAND_OFF_SECONDS", default=0.05)
# How long a worker keeps trying to record e-mails the server accepted while the database is
# unreachable (a crash mid-batch); keep it well below NOTIFICATIONS_STUCK_AFTER_SECONDS, after
# which the sweep would send them again.
NOTIFICATIONS_RECORD_RETRY_SECONDS = env.float("NOTIFICATIONS_RECORD_RETRY_SECONDS", default=120.0)
# Passing mail errors are retried after doubling delays (with jitter) until this many attempts.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30.0)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.float("NOTIFICATIONS_RETRY_MAX_SECONDS", default=1800.0)
# A worker's SMTP connection is reused unless it was idle this long (servers drop idle ones).
NOTIFICATIONS_SMTP_IDLE_SECONDS = env.float("NOTIFICATIONS_SMTP_IDLE_SECONDS", default=20.0)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "marketplace.authentication.TokenOrBearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only; the few views that take files add multipart (and say so in the schema).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.pagination.KeysetPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.api_errors.exception_handler",
    "DEFAULT_METADATA_CLASS": "marketplace.api_base.DescriptionOnlyMetadata",
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("THROTTLE_AUTH", default="20/minute"),
        "anon": env.str("THROTTLE_ANON", default="200/minute"),
    },
    # Reverse proxies in front of the app (1 behind nginx/Traefik). Throttles and sign-in
    # lockouts take the client address from X-Forwarded-For only that far; DRF's default
    # would believe any X-Forwarded-For a client sends and let it dodge the throttles.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

SPECTACULAR_SETTINGS = {
    "TITLE": "Kiezmarkt API",
    "DESCRIPTION": (
        "Marktplatz für Nachbarschaftsnetzwerke: Unternehmen bieten Freiwilligenaktionen, "
        "Ausleihen und Stellen an, soziale Organisationen buchen sie. Authentifizierung mit "
        "`Authorization: Token <key>` oder `Authorization: Bearer <key>` "
        "(Token von `POST /api/v1/auth/token/`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Ids in paths (marketplace/converters.py): longer ones match no route.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}
    },
    # Swagger UI served from this site, not a CDN (works offline, fits a strict CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents its 400/401/403/404 (marketplace/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.schema.complete_responses",
    ],
    # One schema name per choice set, whatever the fields using it are called.
    "ENUM_NAME_OVERRIDES": {
        "MembershipRoleEnum": "marketplace.models.Role",
        "OrganisationKindEnum": "marketplace.models.OrganisationKind",
        "OrganisationStatusEnum": "marketplace.models.OrganisationStatus",
        "InvitationStateEnum": "marketplace.models.InvitationState",
        "ListingKindEnum": "listings.models.ListingKind",
        "ListingStatusEnum": "listings.models.ListingStatus",
        "BookingKindEnum": "bookings.models.BookingKind",
        "BookingStateEnum": "bookings.models.BookingState",
        "DonationKindEnum": "donations.models.DonationKind",
        "DonationStateEnum": "donations.models.DonationState",
        "ReceiptKindEnum": "donations.models.ReceiptKind",
        "MoneyKindEnum": "donations.models.MoneyKind",
        "GoodsOriginEnum": "donations.models.GoodsOrigin",
        "GroupMembershipStateEnum": "network.models.GroupMembershipState",
        "GroupRoleEnum": "network.models.GroupRole",
        "JoinPolicyEnum": "network.models.JoinPolicy",
        "MeetingsVisibilityEnum": "network.models.MeetingsVisibility",
        "ProjectStatusEnum": "network.models.ProjectStatus",
        "EventKindEnum": "network.models.EventKind",
        "EventStateEnum": "network.models.EventState",
        "EventVisibilityEnum": "network.models.EventVisibility",
        "RegistrationStateEnum": "network.models.RegistrationState",
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Paths of links that grant access lose their secret before they are logged.
    "filters": {"redact_secret_paths": {"()": "marketplace.log_redaction.RedactSecretPaths"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["redact_secret_paths"]},
        "django.server": {"filters": ["redact_secret_paths"]},
        "django.security": {"filters": ["redact_secret_paths"]},
    },
}
