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
        # Bounded like every search (communes.search): a LIKE per word past a few hundred words is refused
        # by SQLite ("Expression tree is too large"); callers check the bounds and say so first.
        for word in folded.split()[:10]:
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


class SourceQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """A bulk update sends no signal: it invalidates the public cache itself, as a save does
        (osez.signals). Every field counts, the bookkeeping of a running refresh included (state, last
        attempt, message): the API's sources and layers show them, and its answers are served from the
        shared cache for as long as the data generation stays the same."""
        from osez.cache import bump_data_generation

        count = super().update(**kwargs)
        if count:
            bump_data_generation(reason="communes.Source bulk update")
        return count
