"""Public URLs of the site (see ../shared/docs/contract.md)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .sitemaps import SITEMAPS

app_name = "portail"

urlpatterns = [
    path("trouver/", views.finder_view, name="finder"),
    path("comparer/", views.compare, name="compare"),
    path("fiches/", views.sheets, name="sheets"),
    path("fiches/<slug:slug>/", views.sheet, name="sheet"),
    path("fiches/<slug:slug>/pieces/<int:pk>/", views.sheet_attachment, name="sheet-attachment"),
    path("demande/", views.support_request, name="request"),
    path("demande/envoyee/", views.support_request_done, name="request-done"),
    path("donnees/", views.data_sources, name="data"),
    path("confidentialite/", views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
