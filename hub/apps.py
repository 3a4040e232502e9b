from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hub"
    verbose_name = _("Knowledge hub and collaboration")

    def ready(self):
        # Admin autodiscovery is off (see settings: django-leaflet's admin needs GDAL).
        from initiatives.models import Theme
        from initiatives.querysets import count_as_published_use

        from . import admin, signals  # noqa: F401

        # A theme with only library items, events or news is still a theme worth offering.
        for relation in ("library_items", "events", "news"):
            count_as_published_use(Theme, f"{relation}__is_published")
