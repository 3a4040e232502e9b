from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "collaboration"
    verbose_name = _("Collaboration space")

    def ready(self):
        # Admin autodiscovery is off (see settings: django-leaflet's admin needs GDAL).
        from initiatives.ownership import register_claims

        from . import admin  # noqa: F401
        from .opportunity_setup import connect

        connect()

        from .models import ProfileChange

        # The importers leave alone what an initiative's managers changed.
        register_claims(ProfileChange.objects.claims)
