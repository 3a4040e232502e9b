from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self):
        # Admin autodiscovery is off (see settings: django-leaflet's admin needs GDAL).
        from . import admin, checks, facet_rows, facet_table, search_fts, search_table, signals  # noqa: F401

        post_migrate.connect(search_fts.ensure, sender=self, dispatch_uid="initiatives-search-fts")
        post_migrate.connect(search_table.ensure, sender=self, dispatch_uid="initiatives-search-table")
        post_migrate.connect(facet_table.ensure, sender=self, dispatch_uid="initiatives-facet-count-triggers")
        post_migrate.connect(facet_rows.ensure, sender=self, dispatch_uid="initiatives-facet-row-triggers")
