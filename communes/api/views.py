"""Read-only views of the open-data API: communes, layers, places, their GeoJSON, and the downloads."""

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action, api_view, renderer_classes
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from communes.models import Commune, CommuneIndicator, Indicator, Layer, Place, Source
from osez.api import AnonRateThrottle, FirstRendererNegotiation, Pagination

from . import downloads, licensing
from .filters import CommuneFilter, FilterBackend, IndicatorValueFilter, PlaceFilter
from .freshness import ConditionalMixin
from .geo import rank_within
from .serializers import (
    ApiRootSerializer,
    CommuneDetailSerializer,
    CommuneSerializer,
    ContourFeatureSerializer,
    ErrorSerializer,
    IndicatorSerializer,
    IndicatorValueSerializer,
    LayerSerializer,
    PlaceFeatureCollectionSerializer,
    PlaceSerializer,
    indicator_value,
    place_feature,
)

# Lists answer 404 for a page past the end, besides 400 for a malformed parameter.
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Paramètre invalide (nommé dans « errors »)")),
    404: OpenApiResponse(ErrorSerializer, description=_("Inconnu, ou page au-delà de la dernière")),
}
NOT_FOUND = {404: ERRORS[404]}
# Each URL has one representation (see FirstRendererNegotiation): no ?format= to document.
NO_FORMAT = OpenApiParameter("format", exclude=True)


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class GeoJSONPagination(Pagination):
    """Features weigh more than list items, and a map wants more of them at once: a larger, bounded page."""

    page_size = 500
    max_page_size = 5000


class ApiMixin(ConditionalMixin):
    """What every endpoint shares: validators for 304s, the anonymous throttle, one representation per URL."""

    throttle_classes = [AnonRateThrottle]
    content_negotiation_class = FirstRendererNegotiation

    def initial(self, request, *args, **kwargs):
        # PostgreSQL refuses NUL characters in text; say so as a 400 instead of failing on the query.
        for name, values in request.query_params.lists():
            if any("\x00" in v for v in values) or "\x00" in name:
                raise exceptions.ValidationError({name: [_("Caractère nul interdit.")]})
        if any("\x00" in str(value) for value in kwargs.values()):
            raise exceptions.NotFound()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are always JSON, even on the GeoJSON endpoints.
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def paginated(self, data, source_ids):
        """DRF's paginated body with the licence and the sources to credit for this page."""
        response = self.get_paginated_response(data)
        attribution = licensing.credits(source_ids)
        response.data = {
            "count": response.data["count"],
            "next": response.data["next"],
            "previous": response.data["previous"],
            "licence": licensing.licence_text(attribution),
            "attribution": attribution,
            "results": response.data["results"],
        }
        return response


@extend_schema(responses={200: ApiRootSerializer}, summary=_("Points d'entrée de l'API"))
class ApiRootView(ApiMixin, APIView):
    def get(self, request):
        def url(name, **kwargs):
            return request.build_absolute_uri(reverse(name, kwargs=kwargs))

        layers = Layer.objects.values_list("slug", flat=True)
        files = {"communes.csv": url("api:download-communes")}
        for slug in layers:
            files[f"{slug}.csv"] = url("api:download-layer", layer=slug, extension="csv")
            files[f"{slug}.geojson"] = url("api:download-layer", layer=slug, extension="geojson")
        files["indicators.csv"] = url("api:download-indicators")
        return Response(
            {
                "communes": url("api:commune-list"),
                "layers": url("api:layer-list"),
                "places": url("api:place-list"),
                "indicators": url("api:indicator-list"),
                "indicator_values": url("api:indicator-value-list"),
                "places_geojson": url("api:place-geojson"),
                "downloads": files,
                "schema": url("api:schema"),
                "docs": url("api:docs"),
                "licence": licensing.API_LICENCE,
                "licence_url": licensing.API_LICENCE_URL,
            }
        )


@extend_schema_view(
    list=extend_schema(summary=_("Communes"), responses={200: CommuneSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(
        summary=_("Une commune et le résumé de chaque couche"),
        responses={200: CommuneDetailSerializer, **NOT_FOUND},
    ),
)
class CommuneViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Commune.objects.active().select_related("departement", "epci").order_by("name", "code_insee")
    serializer_class = CommuneSerializer
    filter_backends = [FilterBackend]
    filterset_class = CommuneFilter
    lookup_field = "code_insee"
    lookup_url_kwarg = "code"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "contour":
            return queryset
        # A contour weighs kilobytes: read it only for the contour itself.
        return queryset.defer("contour").annotate(
            has_contour=ExpressionWrapper(Q(contour__isnull=False), output_field=BooleanField())
        )

    def get_serializer_class(self):
        return CommuneDetailSerializer if self.action == "retrieve" else CommuneSerializer

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        data = self.get_serializer(page, many=True).data
        return self.paginated(data, [licensing.COMMUNES_SOURCE])

    @extend_schema(
        summary=_("Contour de la commune (GeoJSON)"),
        parameters=[NO_FORMAT],
        responses={200: ContourFeatureSerializer, **NOT_FOUND},
    )
    @action(detail=True, renderer_classes=[GeoJSONRenderer, JSONRenderer], pagination_class=None)
    def contour(self, request, code=None):
        commune = self.get_object()
        geometry = commune.contour
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise exceptions.NotFound(_("Pas de contour connu pour cette commune."))
        attribution = licensing.credits([licensing.COMMUNES_SOURCE])
        return Response(
            {
                "type": "Feature",
                "id": commune.code_insee,
                "geometry": geometry,
                "properties": {
                    "code": commune.code_insee,
                    "name": commune.name,
                    "licence": licensing.licence_text(attribution),
                    "attribution": attribution,
                },
            }
        )


class LayerContextMixin:
    def get_serializer_context(self):
        context = super().get_serializer_context()
        groups = licensing.layer_sources()
        sources = Source.objects.in_bulk()
        context["layer_sources"] = {
            layer: [sources[s] for s, _n, _seen in rows if s in sources] for layer, rows in groups.items()
        }
        context["place_counts"] = {layer: sum(n for _s, n, _seen in rows) for layer, rows in groups.items()}
        return context


@extend_schema_view(
    list=extend_schema(
        summary=_("Couches de données"), responses={200: LayerSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(summary=_("Une couche de données"), responses={200: LayerSerializer, **NOT_FOUND}),
)
class LayerViewSet(ApiMixin, LayerContextMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Layer.objects.all()
    serializer_class = LayerSerializer
    lookup_field = "slug"

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = self.get_serializer_context()
        data = self.get_serializer(page, many=True, context=context).data
        source_ids = {s.slug for layer in page for s in context["layer_sources"].get(layer.slug, [])}
        return self.paginated(data, source_ids)


@extend_schema_view(
    list=extend_schema(
        summary=_("Lieux"),
        description=_(
            "Filtrer par couche, commune, emprise (bbox) ou autour d'un point (lat, lon, radius_km) : "
            "avec un point, les lieux sont triés du plus proche au plus lointain et portent leur distance."
        ),
        responses={200: PlaceSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary=_("Un lieu"), responses={200: PlaceSerializer, **NOT_FOUND}),
)
class PlaceViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    # Any segment reaches get_object, which answers a JSON 404 for what cannot be an id.
    lookup_value_regex = "[^/]+"
    # The commune's name only: joining the whole commune would read its contour for every place.
    queryset = Place.objects.active().annotate(commune_name=F("commune__name")).order_by("id")
    serializer_class = PlaceSerializer
    filter_backends = [FilterBackend]
    filterset_class = PlaceFilter
    filterset = None

    def get_object(self):
        raw = self.kwargs["pk"]
        # An id that is not a database integer cannot exist: 404, not a database error.
        if not raw.isdigit() or int(raw) >= 2**63:
            raise exceptions.NotFound()
        return super().get_object()

    def _filtered(self, located_only=False):
        """(queryset, ranked) where ranked is [(id, distance_km)] when a point was given, else None."""
        queryset = self.filter_queryset(self.get_queryset())
        if located_only:
            queryset = queryset.mappable()
        point = self.filterset.point if self.filterset is not None else None
        if point is None:
            return queryset, None
        rows = list(queryset.mappable().values_list("id", "latitude", "longitude"))
        return queryset, rank_within(rows, *point)

    def _page_objects(self, paginator, queryset, ranked):
        if ranked is None:
            page = paginator.paginate_queryset(queryset, self.request, view=self)
            return [(place, None) for place in page]
        page = paginator.paginate_queryset(ranked, self.request, view=self)
        places = queryset.in_bulk([pk for pk, _d in page])
        return [(places[pk], distance) for pk, distance in page if pk in places]

    def list(self, request, *args, **kwargs):
        queryset, ranked = self._filtered()
        items = self._page_objects(self.paginator, queryset, ranked)
        for place, distance in items:
            place.distance_km = distance
        places = [place for place, _d in items]
        data = self.get_serializer(places, many=True).data
        return self.paginated(data, {p.source_id for p in places})

    @extend_schema(
        summary=_("Lieux en GeoJSON (FeatureCollection paginée)"),
        description=_(
            "Mêmes filtres que la liste des lieux ; seuls les lieux localisés. 500 lieux par page par défaut, "
            "5000 au plus (page_size) ; pour une couche entière, voir les téléchargements."
        ),
        filters=True,
        parameters=[
            NO_FORMAT,
            OpenApiParameter("page", int, description=_("Numéro de page")),
            OpenApiParameter("page_size", int, description=_("Lieux par page (5000 au plus)")),
        ],
        responses={200: PlaceFeatureCollectionSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    @action(
        detail=False, renderer_classes=[GeoJSONRenderer, JSONRenderer], pagination_class=GeoJSONPagination
    )
    def geojson(self, request):
        queryset, ranked = self._filtered(located_only=True)
        paginator = self.paginator
        items = self._page_objects(paginator, queryset, ranked)
        attribution = licensing.credits({place.source_id for place, _d in items})
        return Response(
            {
                "type": "FeatureCollection",
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "licence": licensing.licence_text(attribution),
                "attribution": attribution,
                "features": [place_feature(place, distance) for place, distance in items],
            }
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Indicateurs par commune"),
        description=_(
            "Les chiffres publiés par commune (garde d'enfants, internet, prix des logements…), avec leur source, "
            "son millésime et le nombre de communes couvertes. Les valeurs : /api/v1/indicator-values/."
        ),
        responses={200: IndicatorSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary=_("Un indicateur"), responses={200: IndicatorSerializer, **NOT_FOUND}),
)
class IndicatorViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Indicator.objects.select_related("source").order_by("order", "slug")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        counts = (
            CommuneIndicator.objects.filter(is_active=True)
            .values("indicator_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        context["commune_counts"] = {row["indicator_id"]: row["n"] for row in counts}
        return context

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = self.get_serializer(page, many=True).data
        return self.paginated(data, {indicator.source_id for indicator in page})


@extend_schema_view(
    list=extend_schema(
        summary=_("Valeurs des indicateurs"),
        description=_(
            "Une ligne par commune et indicateur publiés. Une commune sans ligne : la source ne publie rien pour "
            "elle (pas de données). « value » vaut null quand la source a la commune mais ne publie pas le "
            "chiffre (trop peu de ventes…) — jamais 0. « level » dit si le chiffre est mesuré sur la commune, "
            "son EPCI ou son département."
        ),
        responses={200: IndicatorValueSerializer(many=True), **ERRORS},
    ),
)
class IndicatorValueViewSet(ApiMixin, viewsets.GenericViewSet):
    queryset = (
        CommuneIndicator.objects.filter(is_active=True, commune__is_active=True)
        .select_related("indicator", "indicator__source", "place")
        .annotate(commune_name=F("commune__name"))
        .order_by("commune_id", "indicator_id", "id")
    )
    serializer_class = IndicatorValueSerializer
    filter_backends = [FilterBackend]
    filterset_class = IndicatorValueFilter
    filterset = None

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        data = [indicator_value(row) for row in page]
        return self.paginated(data, {row.indicator.source_id for row in page})


class DownloadView(ApiMixin, APIView):
    """A file streamed as it is read from the database; an unknown layer is a JSON 404."""

    renderer_classes = [JSONRenderer]

    def stream(self, chunks, filename, content_type):
        response = StreamingHttpResponse(chunks, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@extend_schema(
    summary=_("Tableau des communes (CSV)"),
    description=_(
        "Une ligne par commune : code INSEE, nom, population, EPCI, et pour chaque couche le nombre de lieux "
        "dans la commune, à 5, 10 et 20 km, et la distance du plus proche. UTF-8 avec BOM, séparateur « ; », "
        "lignes de note initiales commençant par « # » (licence, sources, date)."
    ),
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class CommunesCSVView(DownloadView):
    def get(self, request):
        return self.stream(downloads.communes_csv(), "osez-communes.csv", "text/csv; charset=utf-8")


@extend_schema(
    summary=_("Une couche entière (CSV ou GeoJSON)"),
    description=_(
        "CSV : tous les lieux publiés de la couche (UTF-8 avec BOM, séparateur « ; », notes « # » en tête). "
        "GeoJSON : les lieux localisés, en FeatureCollection avec licence et sources."
    ),
    parameters=[
        OpenApiParameter("layer", str, OpenApiParameter.PATH, description=_("Identifiant de la couche")),
        OpenApiParameter("extension", str, OpenApiParameter.PATH, enum=["csv", "geojson"]),
    ],
    responses={
        (200, "text/csv"): OpenApiTypes.STR,
        (200, "application/geo+json"): OpenApiTypes.OBJECT,
        (404, "application/json"): ErrorSerializer,
    },
)
class LayerDownloadView(DownloadView):
    def get(self, request, layer, extension):
        found = Layer.objects.filter(slug=layer).first()
        if found is None:
            raise exceptions.NotFound(_("Couche inconnue : %(layer)s.") % {"layer": layer})
        if extension == "csv":
            return self.stream(
                downloads.layer_csv(found), f"osez-{found.slug}.csv", "text/csv; charset=utf-8"
            )
        return self.stream(
            downloads.layer_geojson(found), f"osez-{found.slug}.geojson", "application/geo+json"
        )


@extend_schema(
    summary=_("Chiffres par commune (CSV)"),
    description=_(
        "Une ligne par commune et indicateur publiés : valeur (vide quand la source ne publie pas le chiffre, "
        "jamais 0), unité, base, territoire mesuré (commune, EPCI ou département), millésime et source. "
        "Pas de ligne pour une commune : pas de données. UTF-8 avec BOM, séparateur « ; », notes « # » en tête."
    ),
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class IndicatorsCSVView(DownloadView):
    def get(self, request):
        return self.stream(downloads.indicators_csv(), "osez-indicateurs.csv", "text/csv; charset=utf-8")


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS"])
@renderer_classes([JSONRenderer])
def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 for programs, rather than the site's HTML page."""
    raise exceptions.NotFound(_("Aucune ressource à cette adresse de l'API."))
