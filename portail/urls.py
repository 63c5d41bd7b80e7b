"""Public URLs of the site (see ../shared/docs/contract.md)."""

from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.http import Http404
from django.urls import path, re_path
from django.utils import translation

from .sitemaps import SITEMAPS
from .views import communes, discover, pages, sheets, support

app_name = "portail"


def sitemap_both_languages(request, **kwargs):
    """One sitemap.xml, at the unprefixed address, listing every page in both languages: /en/sitemap.xml
    would only repeat it."""
    if translation.get_language() != settings.LANGUAGE_CODE:
        raise Http404
    return sitemap(request, **kwargs)


urlpatterns = [
    path("", communes.home, name="home"),
    path("communes/", communes.directory, name="directory"),
    path("communes/suggestions", communes.suggestions, name="suggestions"),
    path("communes/carte.json", communes.map_points, name="map-points"),
    # A code INSEE is five characters (2A/2B for Corsica); the slug follows a hyphen.
    re_path(
        r"^communes/(?P<code>[0-9][0-9AaBb][0-9]{3})-(?P<slug>[-a-z0-9]+)/$", communes.detail, name="commune"
    ),
    path("communes/<str:code>/", communes.detail_code, name="commune-code"),
    path("trouver/", discover.finder_view, name="finder"),
    path("comparer/", discover.compare, name="compare"),
    path("fiches/", sheets.sheets, name="sheets"),
    path("fiches/<slug:slug>/", sheets.sheet, name="sheet"),
    path("fiches/<slug:slug>/pieces/<int:pk>/", sheets.sheet_attachment, name="sheet-attachment"),
    path("fiches/apercu/<int:pk>/", sheets.sheet_preview, name="sheet-preview"),
    path("demande/", support.support_request, name="request"),
    path("demande/envoyee/", support.support_request_done, name="request-done"),
    path("donnees/", pages.data_sources, name="data"),
    path("confidentialite/", pages.privacy, name="privacy"),
    path("contact/", pages.contact, name="contact"),
    path("accessibilite/", pages.accessibility, name="accessibility"),
    path("sitemap.xml", sitemap_both_languages, {"sitemaps": SITEMAPS}, name="sitemap"),
]
