from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Communes et données ouvertes")

    def ready(self):
        from osez.signals import invalidate_public_cache_on

        from . import models

        # Rows that public pages and the API show: a change serves fresh pages (osez.cache).
        invalidate_public_cache_on(
            models.ImportRecord,
            models.Commune,
            models.Place,
            models.Proximity,
            models.PlaceAnnotation,
            models.Source,
            models.Layer,
            models.TerritoryUpload,
            models.Indicator,
            models.CommuneIndicator,
        )
