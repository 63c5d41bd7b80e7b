"""sitemap.xml: the public pages, every active commune and every published sheet, in both languages.

Other apps add their public pages from their ``ready()`` with ``register`` (the events): the public site
does not import them.

Each page is listed at its French and its English address, each entry naming the other as an
``hreflang`` alternate and French as ``x-default``; a sheet not yet translated is listed in French only.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from communes.models import Commune

from .models import Sheet


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticSitemap(BilingualSitemap):
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


class CommuneSitemap(BilingualSitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Commune.objects.active().only("code_insee", "slug").order_by("code_insee")


class SheetSitemap(BilingualSitemap):
    changefreq = "monthly"

    def get_languages_for_item(self, sheet):
        return [code for code in self._languages() if code not in sheet.missing_languages()]

    def items(self):
        return Sheet.objects.published().order_by("slug")

    def lastmod(self, sheet):
        return sheet.updated_at


SITEMAPS = {"pages": StaticSitemap, "communes": CommuneSitemap, "fiches": SheetSitemap}


def register(name, sitemap_class):
    """Add a section to sitemap.xml (called from an app's ``ready()``, before the URLs are read)."""
    SITEMAPS[name] = sitemap_class
