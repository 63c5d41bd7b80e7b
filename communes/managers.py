"""Query logic for communes and places, kept out of views."""

from django.db import models

from .text import fold


class CommuneQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def search(self, query):
        """Name (accents, hyphens and 'St'/'Saint' ignored) or postcode."""
        folded = fold(query)
        if not folded:
            return self.none()
        qs = self
        for word in folded.split():
            qs = qs.filter(search_text__contains=word)
        return qs


class PlaceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def located(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def mappable(self):
        """Located places whose point a source gives (exact, or approximate and flagged as such)."""
        from .enums import PositionQuality

        return self.located().exclude(position_quality=PositionQuality.UNKNOWN)
