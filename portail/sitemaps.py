"""sitemap.xml: the public pages, every active commune and every published sheet."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from communes.models import Commune

from .models import Sheet


class StaticSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "portail:home",
            "portail:directory",
            "portail:finder",
            "portail:sheets",
            "portail:request",
            "portail:data",
            "portail:privacy",
            "portail:accessibility",
        ]

    def location(self, item):
        return reverse(item)


class CommuneSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Commune.objects.active().only("code_insee", "slug").order_by("code_insee")


class SheetSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Sheet.objects.published().order_by("slug")

    def lastmod(self, sheet):
        return sheet.updated_at


SITEMAPS = {"pages": StaticSitemap, "communes": CommuneSitemap, "fiches": SheetSitemap}
