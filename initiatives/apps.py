from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self):
        # Admin autodiscovery is off (see settings: django-leaflet's admin needs GDAL).
        from . import admin, checks, signals  # noqa: F401
        from .search_fts import ensure

        post_migrate.connect(ensure, sender=self, dispatch_uid="initiatives-search-fts")
