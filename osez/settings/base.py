"""Settings shared by every environment; each value comes from the environment with a safe local default."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab  # noqa: F401 - re-exported for per-environment modules

from .env import BASE_DIR, database_config, departements, env, redis_url, shares

SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation requires (translated sheets and events, issue 17).
    "modeltranslation",
    "osez.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "leaflet",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    "osez",
    "communes",
    "partenaires",
    "accompagnement",
    "emploi_conjoint",
    "employeurs",
    "portail",
    "espace_famille",
    "evenements",
]

MIDDLEWARE = [
    "osez.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "osez.cache.PublicPageCacheMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, the language taken from the URL alone (osez/i18n.py).
    "osez.i18n.UrlLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "osez.session_timeout.StaffSessionTimeoutMiddleware",
    "osez.security.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "osez.urls"
WSGI_APPLICATION = "osez.wsgi.application"
ASGI_APPLICATION = "osez.asgi.application"

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
                "osez.context_processors.site",
                "portail.context_processors.territory",
                "portail.context_processors.service_contact",
            ],
        },
    },
]

DATABASES = {"default": database_config()}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url()

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="osez"),
            "TIMEOUT": 3600,
            "OPTIONS": {
                # A cache that is down degrades to uncached pages, never to errors.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "osez"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "fr"
# The public pages in French (unprefixed URLs) and English (under /en/): osez/urls.py, osez/i18n.py.
# Staff pages, the API and the family space (its own choice of language) are never prefixed.
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Translated content fields (title_fr, title_en…) exist for both languages whatever LANGUAGES the public
# site offers; French is the language every content is written in first.
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_LANGUAGES = ("fr", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fr",)
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("OSEZ_STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env.str("OSEZ_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# CVs and partner files: outside MEDIA_ROOT, never served as static files, only through views that check roles.
PRIVATE_MEDIA_ROOT = Path(env.str("OSEZ_PRIVATE_ROOT", default=str(BASE_DIR / "var" / "private")))

LOGIN_URL = "/admin/login/"

# --- Email
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Osez <ne-pas-repondre@osez.localhost>")
OSEZ_ADVISORS_EMAIL = env.str("OSEZ_ADVISORS_EMAIL", default="accueil@osez.localhost")
# The welcome service's public face (footer, /contact/, confirmation and sheets). The defaults are
# DEMONSTRATION values, fictional (a phone number of the range reserved for fiction, a .example address):
# production sets the real ones.
OSEZ_SERVICE_PHONE = env.str("OSEZ_SERVICE_PHONE", default="03 53 01 99 00")
OSEZ_SERVICE_EMAIL = env.str("OSEZ_SERVICE_EMAIL", default="accueil@osez-aube.example")
OSEZ_SERVICE_ADDRESS = env.str(
    "OSEZ_SERVICE_ADDRESS",
    default="Service d'accueil des nouveaux habitants, 1 rue de l'Exemple, 10000 Troyes",
)
OSEZ_SERVICE_HOURS = env.str(
    "OSEZ_SERVICE_HOURS", default="du lundi au vendredi, de 9 h à 12 h 30 et de 14 h à 17 h"
)
# The same hours for the English pages (free text: it cannot go through the translation catalogue).
OSEZ_SERVICE_HOURS_EN = env.str(
    "OSEZ_SERVICE_HOURS_EN", default="Monday to Friday, 9 am to 12.30 pm and 2 pm to 5 pm"
)
# True while the four values above are the fictional defaults: the pages then say so.
OSEZ_SERVICE_IS_DEMO = not any(
    env.str(name, default="") for name in ("OSEZ_SERVICE_PHONE", "OSEZ_SERVICE_EMAIL", "OSEZ_SERVICE_ADDRESS")
)
# Working days within which an advisor contacts a family after its request (confirmation page and e-mail).
OSEZ_SERVICE_RESPONSE_DAYS = env.int("OSEZ_SERVICE_RESPONSE_DAYS", default=3)
# The site's address as staff reach it, for the links in e-mails (no trailing slash).
OSEZ_BASE_URL = env.str("OSEZ_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# First-year follow-up: milestones created on arrival, in days after the arrival date (2 weeks, 1, 3, 6, 12 months).
OSEZ_FOLLOWUP_MILESTONES_DAYS = env.list(
    "OSEZ_FOLLOWUP_MILESTONES_DAYS", cast=int, default=[14, 30, 91, 182, 365]
)
# The family space: how long a family stays signed in without activity, and the phone number families
# are given when their advisor has none recorded (accompagnement.AdvisorProfile).
OSEZ_FAMILY_IDLE_SECONDS = env.int("OSEZ_FAMILY_IDLE_SECONDS", default=12 * 3600)
OSEZ_ADVISORS_PHONE = env.str("OSEZ_ADVISORS_PHONE", default="")
# A follow-up task overdue by more than this many days is also reported to the team leads.
OSEZ_OVERDUE_ESCALATION_DAYS = env.int("OSEZ_OVERDUE_ESCALATION_DAYS", default=7)

# --- Territory and data sources
OSEZ_DEPARTEMENTS = departements()
OSEZ_RAW_DIR = Path(env.str("OSEZ_RAW_DIR", default=str(BASE_DIR / "var" / "raw")))
if not OSEZ_RAW_DIR.is_absolute():
    OSEZ_RAW_DIR = (BASE_DIR / OSEZ_RAW_DIR).resolve()
OSEZ_SITE_NAME = env.str("OSEZ_SITE_NAME", default="Osez l'Aube")
OSEZ_SOURCE_TIMEOUT = env.float("OSEZ_SOURCE_TIMEOUT", default=60.0)
OSEZ_SOURCE_URLS = {
    "communes": env.str("OSEZ_URL_COMMUNES", default="https://geo.api.gouv.fr"),
    "ecoles": env.str("OSEZ_URL_ECOLES", default="https://data.education.gouv.fr"),
    # The newest vintage INSEE serves (BPE23.zip was withdrawn in October 2025); a new vintage needs only
    # this address and its TYPEQU table in communes/data/.
    "bpe": env.str("OSEZ_URL_BPE", default="https://www.insee.fr/fr/statistiques/fichier/8217525/BPE25.zip"),
    "sport": env.str("OSEZ_URL_SPORT", default="https://equipements.sports.gouv.fr"),
    # Commune indicators: CNAF childcare, ARCEP broadband (wired file), geo-DVF, carte scolaire, DREES APL.
    "caf": env.str("OSEZ_URL_CAF", default="https://data.caf.fr"),
    "arcep": env.str(
        "OSEZ_URL_ARCEP",
        default="https://data.arcep.fr/fixe/maconnexioninternet/statistiques/last/commune/commune_debit_filaire.csv",
    ),
    "dvf": env.str(
        "OSEZ_URL_DVF",
        default="https://files.data.gouv.fr/geo-dvf/latest/csv/{year}/departements/{dep}.csv.gz",
    ),
    "carte-scolaire": env.str("OSEZ_URL_CARTE_SCOLAIRE", default="https://data.education.gouv.fr"),
    # The data.gouv.fr API of the DREES dataset (its newest GP workbook is picked), or a .xlsx URL.
    "apl": env.str(
        "OSEZ_URL_APL",
        default="https://www.data.gouv.fr/api/1/datasets/accessibilite-potentielle-localisee-apl-aux-professionnels-de-sante/",
    ),
}
# A new batch that loses more than this share of the last good run's rows is refused.
OSEZ_MAX_SHRINK = env.float("OSEZ_MAX_SHRINK", default=0.20)
# A run whose rejected rows exceed this share of the rows read is refused (published data kept);
# per source: OSEZ_MAX_REJECTED_PER_SOURCE=bpe=0.02,sport=0.1, on top of the per-source defaults below.
# CNAF: a département holds a few dozen rows (its large communes and EPCIs), one row is already ~3 %.
OSEZ_MAX_REJECTED, OSEZ_MAX_REJECTED_PER_SOURCE = shares("OSEZ_MAX_REJECTED", 0.05, per_source={"caf": 0.10})
# The embedded Aube (real communes, fictional layers) used when a source can be neither downloaded nor
# read from OSEZ_RAW_DIR and never published real data.
OSEZ_FIXTURES_DIR = Path(env.str("OSEZ_FIXTURES_DIR", default=str(BASE_DIR / "fixtures" / "raw")))
if not OSEZ_FIXTURES_DIR.is_absolute():
    OSEZ_FIXTURES_DIR = (BASE_DIR / OSEZ_FIXTURES_DIR).resolve()
OSEZ_FIXTURES_FALLBACK = env.bool("OSEZ_FIXTURES_FALLBACK", default=True)
# DVF: the complete years read (empty: the newest three in the raw cache; downloads fetch the last three
# published), and the number of sales below which a median is not shown (its sales count still is).
OSEZ_DVF_YEARS = env.list("OSEZ_DVF_YEARS", cast=int, default=[])
OSEZ_DVF_MIN_SALES = env.int("OSEZ_DVF_MIN_SALES", default=5)
OSEZ_PROXIMITY_RADII_KM = (5, 10, 20)

# --- Celery: Redis as broker; with REDIS_URL unset, tasks run in-process (eager).
# The cache's Redis may evict keys under memory pressure (allkeys-lru in the production recipe): the
# broker's queues must live where nothing is ever evicted, so production points REDIS_BROKER_URL at a
# second Redis instance with noeviction (docker-compose.yml). Unset, the broker shares REDIS_URL.
REDIS_BROKER_URL = redis_url("REDIS_BROKER_URL") or REDIS_URL
CELERY_BROKER_URL = REDIS_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_BROKER_URL or None
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_ALWAYS_EAGER = not REDIS_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- API
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "osez.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    # Ours: it counts with one INCR and finds the visitor's address as axes and the forms do (osez.audit).
    "DEFAULT_THROTTLE_CLASSES": ["osez.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("OSEZ_API_ANON_RATE", default="600/minute")},
    "EXCEPTION_HANDLER": "osez.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API des données ouvertes Osez",
    "DESCRIPTION": "Communes, couches de données et lieux, sous Licence Ouverte 2.0 (Etalab).",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
}
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# --- Maps: tiles are the only third-party resource (the map itself); everything else is served here.
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (48.30, 4.08),
    "DEFAULT_ZOOM": 9,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 18,
    "TILES": [
        (
            "OpenStreetMap",
            env.str("OSEZ_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
            {"attribution": "&copy; contributeurs OpenStreetMap"},
        )
    ],
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
    "PLUGINS": {
        "markercluster": {
            "css": [
                "vendor/markercluster/MarkerCluster.css",
                "vendor/markercluster/MarkerCluster.Default.css",
            ],
            "js": "vendor/markercluster/leaflet.markercluster.js",
            "auto-include": True,
        },
    },
}

# --- Security defaults (prod tightens them)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600  # 12 hours at most
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
OSEZ_SESSION_IDLE_SECONDS = 30 * 60
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "osez/security/lockout.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
OSEZ_REQUIRE_2FA = env.bool("OSEZ_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = env.str("OSEZ_SITE_NAME", default="Osez l'Aube")
# Retention (months after the last contact / the request): see osez/retention.py and docs/operations-security.md.
OSEZ_RETENTION_CLOSED_MONTHS = env.int("OSEZ_RETENTION_CLOSED_MONTHS", default=24)
OSEZ_RETENTION_CV_MONTHS = env.int("OSEZ_RETENTION_CV_MONTHS", default=24)
OSEZ_RETENTION_REQUEST_MONTHS = env.int("OSEZ_RETENTION_REQUEST_MONTHS", default=6)
# Sign-ups to an event that never led to a dossier: anonymised this long after the event (issue 17).
OSEZ_RETENTION_EVENT_MONTHS = env.int("OSEZ_RETENTION_EVENT_MONTHS", default=12)
# The access log itself is personal data (who looked at what): kept a year, as the CNIL recommends for logs.
OSEZ_RETENTION_ACCESS_LOG_MONTHS = env.int("OSEZ_RETENTION_ACCESS_LOG_MONTHS", default=12)
# django-ratelimit counts in the shared cache (Redis in production) so every worker sees the same counter.
RATELIMIT_USE_CACHE = "default"
# How many reverse proxies in front of the app add to X-Forwarded-For (0 locally, 1 behind the TLS proxy).
# One function finds the visitor's address for the audit log, axes and rate limits (osez.audit).
OSEZ_PROXY_COUNT = env.int("OSEZ_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "osez.audit.client_address"
RATELIMIT_IP_META_KEY = "osez.audit.client_address"
# DRF's stock throttle trusts the whole X-Forwarded-For header unless told how many proxies to trust;
# ours (osez.api.AnonRateThrottle) asks osez.audit.client_address, this only covers a stock one.
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": OSEZ_PROXY_COUNT}
# Public pages (the views marked @cached_public): requests per address and window, counted in the same
# Redis round trip that reads the page. Generous: a family clicking through the site never meets it;
# a client walking the site with random parameters does. "off" switches it off.
OSEZ_PUBLIC_PAGE_RATE = env.str("OSEZ_PUBLIC_PAGE_RATE", default="600/m")
# Sign-ups to events per address (django-ratelimit syntax), like OSEZ_SUPPORT_REQUEST_RATE for requests.
OSEZ_EVENT_SIGN_UP_RATE = env.str("OSEZ_EVENT_SIGN_UP_RATE", default="10/h")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https://*.tile.openstreetmap.org", "https://tile.openstreetmap.org"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Optional error reporter: set SENTRY_DSN (Sentry or a compatible service such as GlitchTip) to switch it on.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,  # never ship families' data to a third party
        traces_sample_rate=0.0,
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "osez.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "osez.logging.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("OSEZ_LOG_FORMAT", default="plain"),
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "osez.requests": {"level": env.str("OSEZ_REQUEST_LOG_LEVEL", default="INFO")},
    },
}
