from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hub"
    verbose_name = _("Knowledge hub and collaboration")

    def ready(self):
        # Admin autodiscovery is off (see settings: django-leaflet's admin needs GDAL).
        from . import admin, signals  # noqa: F401
