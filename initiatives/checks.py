"""Deployment check: the catalogue version and the cached pages must be shared by every process."""

from django.conf import settings
from django.core import checks

LOCAL_MEMORY = "django.core.cache.backends.locmem.LocMemCache"


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    if settings.CACHES["default"]["BACKEND"] != LOCAL_MEMORY:
        return []
    return [
        checks.Warning(
            "The cache is local to each process, and so is the catalogue version: with several "
            "workers or servers, an edit shows at once only in the process that made it, the others "
            "keep serving their cached pages, counts and map points for up to an hour.",
            hint="Set REDIS_URL so that every process shares one cache (docs/performance.md); "
            "silence initiatives.W001 only if a single process serves the site.",
            id="initiatives.W001",
        )
    ]
