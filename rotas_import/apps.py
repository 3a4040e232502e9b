from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RotasImportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rotas_import"
    verbose_name = _("Imports")

    def ready(self):
        # Admin autodiscovery is off (see settings): register the import screens here.
        from . import admin  # noqa: F401
