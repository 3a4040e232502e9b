"""The project's settings as production runs them (DEBUG off), plus the benchmark's floor view.

Defaults suit a local run: a SQLite file under /tmp unless DATABASE_URL names another database,
persistent database connections as a production server keeps them, plain static file storage
(no collectstatic needed) and no HTTPS redirect on 127.0.0.1.
"""

import os
import warnings

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-" + "b" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/catalogue-bench.sqlite3")
os.environ.setdefault("DB_CONN_MAX_AGE", "600")
# A benchmark, not an abuse: every client comes from 127.0.0.1, and the API's and the GeoJSON's
# anonymous budget would turn the measured requests into 429s.
os.environ.setdefault("API_THROTTLE_ANON", "1000000/hour")

from catalogue.settings import *  # noqa: E402,F403

ROOT_URLCONF = "benchmarks.urls"
warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collectstatic here
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A 500 during a benchmark is printed, not mailed.
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}
