"""Deployment check: the cached pages and figures must be shared by every process."""

from django.conf import settings
from django.core import checks

LOCAL_MEMORY = "django.core.cache.backends.locmem.LocMemCache"


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    if settings.CACHES["default"]["BACKEND"] != LOCAL_MEMORY:
        return []
    return [
        checks.Warning(
            "The cache is local to each process: every worker renders and keeps its own copy of "
            "each page, count and map, and memory grows with the number of workers.",
            hint="Leave CACHES at its default (files beside the database) or set REDIS_URL so that "
            "every process shares one cache (docs/performance.md).",
            id="initiatives.W001",
        )
    ]
