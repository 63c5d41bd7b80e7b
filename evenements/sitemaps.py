"""The events in sitemap.xml: the list, and each published event to come, in the languages it is written in."""

from django.conf import settings
from django.urls import reverse

from portail.sitemaps import BilingualSitemap

from .models import Event


class EventListSitemap(BilingualSitemap):
    changefreq = "weekly"

    def items(self):
        return ["evenements:list"]

    def location(self, item):
        return reverse(item)


class EventSitemap(BilingualSitemap):
    """Published events not yet over: a past or cancelled one is no page to send a search engine to."""

    changefreq = "weekly"

    def items(self):
        return Event.objects.published().upcoming().order_by("starts_at", "pk")

    def get_languages_for_item(self, event):
        # English only once its title and description are: otherwise the English page shows French.
        return [
            code
            for code in self._languages()
            if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE
            or (getattr(event, f"title_{code}", "") and getattr(event, f"description_{code}", ""))
        ]

    def lastmod(self, event):
        return event.updated_at
