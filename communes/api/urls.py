"""URLs of the open-data API, mounted at /api/: version 1, its OpenAPI document and reference pages."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views
from .docs import DocsView

app_name = "api"

router = SimpleRouter()
router.register("communes", views.CommuneViewSet, basename="commune")
router.register("layers", views.LayerViewSet, basename="layer")
router.register("places", views.PlaceViewSet, basename="place")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("indicator-values", views.IndicatorValueViewSet, basename="indicator-value")

urlpatterns = [
    path("v1/", views.ApiRootView.as_view(), name="root"),
    path("v1/downloads/communes.csv", views.CommunesCSVView.as_view(), name="download-communes"),
    path("v1/downloads/indicators.csv", views.IndicatorsCSVView.as_view(), name="download-indicators"),
    re_path(
        r"^v1/downloads/(?P<layer>[^/]+)\.(?P<extension>csv|geojson)$",
        views.LayerDownloadView.as_view(),
        name="download-layer",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    re_path(r"^.*$", views.not_found, name="not-found"),
]
