"""Settings for the catalogue, read from the environment.

Every value has a safe local default so that a fresh checkout runs on SQLite with nothing else;
production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL. Each variable is read once,
through the helpers below, and listed once, in README.md's settings table (a test compares the two).
"""

import os
import re
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


# --- Reading the environment ------------------------------------------------------------------
# A value the server cannot read stops it at start, naming the variable and what it accepts: a
# mistyped "ture" silently taken as off, or a traceback from int("abc"), would hide the mistake.


def refuse(name: str, value: str, accepted: str):
    sys.exit(f"{name}={value!r} is not a valid value: {accepted}.")


def env_str(name: str, default: str = "") -> str:
    return os.getenv(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.getenv(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    refuse(name, value, "use 1, true, yes or on for on; 0, false, no or off for off")


def env_int(name: str, default: int) -> int:
    value = os.getenv(name)
    if value is None:
        return default
    if not re.fullmatch(r"[0-9]+", value.strip()):
        refuse(name, value, "use a whole number, 0 or more (no units)")
    return int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def env_rate(name: str, default: str) -> str:
    value = os.getenv(name, default)
    # Django REST framework's syntax: it reads the number and the first letter of the period.
    if not re.fullmatch(r"[0-9]+/(s|sec|second|m|min|minute|h|hour|d|day)", value.strip()):
        refuse(name, value, "use requests per period, e.g. 600/hour (periods: second, minute, hour, day)")
    return value.strip()


def env_database(name: str, default: str, conn_max_age: int) -> dict:
    value = os.getenv(name, default)
    try:
        return dj_database_url.parse(value.strip(), conn_max_age=conn_max_age)
    except ValueError:  # an empty value or an unknown scheme ("postgress://")
        refuse(name, value, "use a database URL, e.g. postgres://user@host:5432/name or sqlite:///path/to/file.sqlite3")


def refuse_retired(names: tuple[str, ...], instead: str):
    """Stop at start while a variable the server no longer reads is set, saying what replaces it."""
    if retired := [name for name in names if os.getenv(name)]:
        sys.exit(f"{', '.join(retired)} is no longer read: {instead}")


def url_origin(url: str) -> str | None:
    """'https://{s}.tile.example.org/{z}/{x}/{y}.png' -> 'https://*.tile.example.org'."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc.replace("{s}.", "*.")
    return f"{parts.scheme}://{host}"


# Each of these was one limit's own idea of the client address; a stale one silently ignored would
# let every visitor share the proxy's budget, so the server says what replaces them.
refuse_retired(
    ("CLIENT_ADDRESS_HEADER", "CLIENT_IP_HEADER", "API_NUM_PROXIES"),
    instead="set TRUSTED_PROXIES to the number of reverse proxies instead.",
)


# --- The site ---------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        sys.exit("SECRET_KEY must be set when DEBUG is off (export SECRET_KEY=<a long random string>).")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The admin lives at /<lang>/<ADMIN_URL>; moving it off the well-known path sheds most bots.
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    # SimpleAdminConfig: autodiscovery would import leaflet/admin.py, which needs GDAL.
    # Each app registers its own admin in AppConfig.ready().
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "leaflet",
    "initiatives",
    "rotas_import",
    "hub",
    "collaboration",
    "catalogue",  # the project's operations: backup_catalogue, restore_catalogue
    "allauth",
    "allauth.account",
    "csp",
    "axes",
    "simple_history",
]

MIDDLEWARE = [
    "catalogue.logs.RequestIdMiddleware",  # first: every response, and every log line, carries the id
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware, so that every response (redirects included) carries the policy.
    "csp.middleware.CSPMiddleware",
    "catalogue.security_headers.PermissionsPolicyMiddleware",
    # Before CommonMiddleware's host check: load balancers probe with an address for a Host header.
    "catalogue.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside the two that refuse framing, outside the page cache: the embeddable map is exempt by
    # route, whether the view or the cache answers (catalogue/framing.py).
    "catalogue.framing.FrameableRouteMiddleware",
    # After authentication and locale: it needs request.user and the page's language, and it
    # answers a matching conditional GET before the view runs (performance, docs/performance.md).
    "catalogue.http_cache.PublicCacheMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records who made each change
    "catalogue.unavailable.DatabaseUnavailableMiddleware",  # database down: a friendly 503, no traceback
    "catalogue.auth.LoginDelayMiddleware",  # an account's login delay becomes its page
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: a lockout becomes its page
]

ROOT_URLCONF = "catalogue.urls"
WSGI_APPLICATION = "catalogue.wsgi.application"

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
                "csp.context_processors.nonce",  # {{ CSP_NONCE }}
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": env_database(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'catalogue.sqlite3'}", conn_max_age=env_int("DB_CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A writing transaction takes SQLite's write lock when it begins, so a second one (two staff
    # confirming imports at once) waits for it instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The pages' queries are short: JIT compiling one (once 81 ms on the detail page) costs more
    # than it saves. First, so that `?options=-c jit=on` in DATABASE_URL still wins.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, ["-c jit=off", options.get("options", "")]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Languages: pages live under /pt-br/, /es/ and /en/; Portuguese when the browser says nothing.
LANGUAGE_CODE = "pt-br"
LANGUAGES = [
    ("pt-br", _("Portuguese")),
    ("es", _("Spanish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Public uploads (library PDFs, news images): served by the web server in production, by
# catalogue/urls.py when DEBUG is on.
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded import files: kept outside STATIC_ROOT and never served by a public URL.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))

# --- Cache (docs/performance.md) --------------------------------------------------------------
# Files in a folder beside the SQLite database by default, so that every process of one server
# (web workers, management commands) shares the cached pages and figures; with REDIS_URL every app
# server shares one cache. Not the database cache: it would queue behind an import's write lock on SQLite.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "catalogue"),
        }
    }
else:
    _database_file = str(DATABASES["default"]["NAME"]) if DATABASES["default"]["ENGINE"].endswith("sqlite3") else ""
    _database_file = "" if _database_file in ("", ":memory:") else _database_file
    _default_cache_dir = Path(_database_file).parent / "cache" if _database_file else BASE_DIR / "cache"
    CACHES = {
        "default": {
            "BACKEND": "catalogue.file_cache.FileBasedCache",
            "LOCATION": env_str("CACHE_DIR", str(_default_cache_dir)),
            # Rendered pages live here too (below): room for a thousand, tens of MB at most.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 1000)},
        }
    }
# The catalogue version (initiatives.cache) is one database row; each process re-reads it at most
# this often, so an edit made by another process shows within these seconds.
CATALOGUE_VERSION_RECHECK_SECONDS = 2
# Anonymous public GET pages carry an ETag and `Cache-Control: public, max-age=…` so that a
# proxy or CDN may serve them (catalogue.http_cache). RELEASE changes every ETag on a deploy.
PUBLIC_CACHE_MAX_AGE = env_int("PUBLIC_CACHE_MAX_AGE", 60)
RELEASE = env_str("RELEASE")
# The same pages, rendered once per catalogue version and kept in the cache above for anonymous
# visitors: a list or detail page then costs what the bare view costs. 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600)
PUBLIC_PAGE_CACHE_MAX_BYTES = env_int("PUBLIC_PAGE_CACHE_MAX_BYTES", 1_000_000)  # bigger pages are not kept
# After an edit, anonymous visitors may get the previous version's page for these seconds while a
# background thread renders the new one (catalogue.page_rebuild); also `stale-while-revalidate`.
# 0: every visitor after an edit waits for the new page, and nothing renders in the background.
PUBLIC_PAGE_STALE_SECONDS = env_int("PUBLIC_PAGE_STALE_SECONDS", 5)
# <url> entries per sitemap section page (initiatives.sitemaps), each language version counting
# as one: the sitemap protocol allows 50,000. Not an environment variable: tests lower it.
SITEMAP_SECTION_SIZE = 50_000

# --- Map --------------------------------------------------------------------------------------
# Map tiles are the only network resource a page may load; both are settings so that an
# offline deployment (or the tests) can point them elsewhere or at nothing.
MAP_TILES_URL = env_str("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env_str(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (-15.0, -65.0),
    "DEFAULT_ZOOM": 3,
    "MIN_ZOOM": 2,
    "MAX_ZOOM": 18,
    "TILES": [("", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION})] if MAP_TILES_URL else [],
    "RESET_VIEW": False,
}

# --- Open data API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    # DRF's JSONRenderer, encoded by orjson where that gives the same JSON.
    "DEFAULT_RENDERER_CLASSES": ["initiatives.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],  # read-only: no request bodies
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],  # anonymous open data; staff work in the admin
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["initiatives.api.throttling.AnonThrottle"],
    "EXCEPTION_HANDLER": "initiatives.api.throttling.exception_handler",  # a clear, translated 429
    # Requests per client address; exports (whole selections) have a stricter budget of their own.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "600/hour"),
        "exports": env_rate("API_THROTTLE_EXPORTS", "60/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    # The schema's file name; its title, description and tags come translated from the hook below.
    "TITLE": "LAC catalogue of territorial productive initiatives: open data API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "initiatives.models.Initiative.Kind",
        "StatusEnum": "initiatives.models.Initiative.Status",
        "LocationPrecisionEnum": "initiatives.models.Initiative.Precision",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "initiatives.api.schema.localize_schema",
    ],
}
# Other sites may read the API (and embed our data on their maps); nothing else is cross-origin.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# --- Accounts and the admin -------------------------------------------------------------------
LOGIN_URL = "account_login"  # managers; staff use the admin's own login page
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from
# one address, that pair is locked out for AXES_COOLOFF_MINUTES (manage.py axes_reset unlocks).
AUTHENTICATION_BACKENDS = [
    "catalogue.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",  # managers log in with their e-mail
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "catalogue.auth.lockout_response"  # templates/registration/lockout.html, HTTP 429
AXES_CLIENT_IP_CALLABLE = "initiatives.client_address.client_address"
AXES_USERNAME_CALLABLE = "catalogue.auth.axes_username"  # the username, or a manager's e-mail
# And per account, from any address (catalogue/login_delay.py): after LOGIN_DELAY_AFTER failures,
# LOGIN_DELAY_SECONDS of refused logins, doubling with each further failure up to the maximum.
LOGIN_DELAY_AFTER = env_int("LOGIN_DELAY_AFTER", 10)
LOGIN_DELAY_SECONDS = env_int("LOGIN_DELAY_SECONDS", 60)
LOGIN_DELAY_MAX_SECONDS = env_int("LOGIN_DELAY_MAX_SECONDS", 900)
AXES_WHITELIST_CALLABLE = "catalogue.auth.refused_by_delay"

# Accounts of initiative managers (django-allauth, under /<lang>/accounts/): e-mail and password,
# the address verified before the first login. Visitors never need an account.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner following the link must not confirm it
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None  # the "remember me" box decides
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# allauth's own limits, per client address only: its per-e-mail login limit would let anyone who
# knows a manager's address lock them out. Per account, the growing login delay below applies
# (catalogue/login_delay.py), which a browser that logged in before is exempt from.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,50/h/ip",
    "signup": "10/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
LOGIN_REDIRECT_URL = "collaboration:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Sessions: not readable by scripts, sent on same-site navigation only; Secure when DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 14 * 24 * 3600

# Change history (django-simple-history): see initiatives/history.py for tagging imports.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = False

# --- The visitor's address --------------------------------------------------------------------
# The reverse proxies in front of the app, each appending to X-Forwarded-For: the visitor's address
# for the forms' rate limit, the login lockout and the API throttle (initiatives/client_address.py).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# --- E-mail: the console in development; production sets EMAIL_BACKEND=…smtp.EmailBackend and EMAIL_HOST etc.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "catalogue@localhost")

# --- Upload limits ----------------------------------------------------------------------------
# Knowledge hub: public forms accept at most HUB_FORM_RATE_LIMIT posts per client address and form
# every HUB_FORM_RATE_WINDOW seconds; uploaded PDFs may weigh at most HUB_MAX_PDF_BYTES.
HUB_FORM_RATE_LIMIT = env_int("HUB_FORM_RATE_LIMIT", 5)
HUB_FORM_RATE_WINDOW = env_int("HUB_FORM_RATE_WINDOW", 3600)
HUB_MAX_PDF_BYTES = env_int("HUB_MAX_PDF_BYTES", 20 * 1024 * 1024)
HUB_MAX_IMAGE_BYTES = env_int("HUB_MAX_IMAGE_BYTES", 5 * 1024 * 1024)
# Collaboration space: a manager's uploaded logo (checked with Pillow, then resized).
LOGO_MAX_BYTES = env_int("LOGO_MAX_BYTES", 2 * 1024 * 1024)
# Imports (rotas_import): limits that keep a bad or hostile file from exhausting the server.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 1000)
# A workbook is parsed in a subprocess: its sheets' rows × columns are checked against this budget
# before anything is expanded, and the parse runs within these memory and time limits.
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 3_000_000)
IMPORT_PARSE_MEMORY_MB = env_int("IMPORT_PARSE_MEMORY_MB", 1024)
IMPORT_PARSE_SECONDS = env_int("IMPORT_PARSE_SECONDS", 60)

# --- Security headers (docs/operations.md) ----------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP (see catalogue/health.py)
# No 'unsafe-inline' anywhere: templates keep scripts and styles in static files; an inline
# script that truly must exist carries nonce="{{ request.csp_nonce }}".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *filter(None, [url_origin(MAP_TILES_URL)])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Cross-origin requests (map tiles) send only our origin: OpenStreetMap's tile policy asks for it.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"

# --- Logs: one JSON line per event on stderr (gunicorn's error log, journald or `docker logs`), each
# with the request id that the 500 page shows the visitor (catalogue/logs.py, docs/operations.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "catalogue.logs.RequestContextFilter"}},
    "formatters": {"json": {"()": "catalogue.logs.JsonLinesFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request"],
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        # Django's own console handler would print each event a second time, unstructured.
        "django": {"handlers": [], "level": "WARNING"},
        # 4xx answers are in the access log; errors (500s) carry their traceback here.
        "django.request": {"level": "ERROR"},
    },
}

# --- Collaboration opportunities (collaboration/opportunities.py): per account and day, at most
# this many opportunities published and responses sent (anonymous responses: the hub's per-address
# limit); at most this many countries sought per opportunity. SITE_URL: the links in e-mails sent
# by commands (`send_digests`), which have no request to take the address from.
COLLABORATION_OPPORTUNITIES_PER_DAY = env_int("COLLABORATION_OPPORTUNITIES_PER_DAY", 5)
COLLABORATION_RESPONSES_PER_DAY = env_int("COLLABORATION_RESPONSES_PER_DAY", 10)
COLLABORATION_MAX_COUNTRIES = env_int("COLLABORATION_MAX_COUNTRIES", 20)
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
