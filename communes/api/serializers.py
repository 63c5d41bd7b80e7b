"""Serializers of the open-data API: communes with their layer summaries, layers with their sources, places."""

from django.urls import NoReverseMatch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communes.models import EPCI, Commune, Departement, Layer, Place, Source

from .licensing import layer_state


class AttributionSerializer(serializers.Serializer):
    source = serializers.CharField()
    name = serializers.CharField()
    publisher = serializers.CharField()
    licence = serializers.CharField()
    licence_url = serializers.URLField()
    homepage = serializers.CharField(allow_blank=True)
    last_update = serializers.DateTimeField(allow_null=True)


class DepartementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Departement
        fields = ["code", "name"]


class EPCISerializer(serializers.ModelSerializer):
    class Meta:
        model = EPCI
        fields = ["code", "name"]


class CommuneSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="code_insee", help_text="Code INSEE (COG)")
    departement = DepartementSerializer()
    epci = EPCISerializer(allow_null=True)
    postcodes = serializers.ListField(child=serializers.CharField())
    page_url = serializers.SerializerMethodField(help_text="Page publique de la commune")

    class Meta:
        model = Commune
        fields = [
            "code",
            "name",
            "slug",
            "departement",
            "epci",
            "postcodes",
            "population",
            "surface_ha",
            "latitude",
            "longitude",
            "page_url",
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_page_url(self, commune):
        try:
            path = commune.get_absolute_url()
        except NoReverseMatch:  # the public site is not mounted (an API-only deployment)
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class NearestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    commune = serializers.CharField(allow_null=True, help_text="Code INSEE de la commune du lieu")
    distance_km = serializers.FloatField(help_text="Depuis le centre de la commune")


class LayerSummarySerializer(serializers.Serializer):
    """A layer seen from one commune (communes.Proximity); counts are null until computed."""

    layer = serializers.CharField()
    name = serializers.CharField()
    theme = serializers.CharField()
    in_commune = serializers.IntegerField(allow_null=True)
    within_5km = serializers.IntegerField(allow_null=True)
    within_10km = serializers.IntegerField(allow_null=True)
    within_20km = serializers.IntegerField(allow_null=True)
    nearest = NearestSerializer(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)


class CommuneDetailSerializer(CommuneSerializer):
    density = serializers.FloatField(allow_null=True, read_only=True, help_text="Habitants par km²")
    has_contour = serializers.SerializerMethodField()
    layers = serializers.SerializerMethodField()

    class Meta(CommuneSerializer.Meta):
        fields = [*CommuneSerializer.Meta.fields, "density", "has_contour", "layers"]

    def get_has_contour(self, commune) -> bool:
        # The view defers the (heavy) contour and annotates whether there is one.
        has = getattr(commune, "has_contour", None)
        return bool(commune.contour) if has is None else has

    @extend_schema_field(LayerSummarySerializer(many=True))
    def get_layers(self, commune):
        # Plain dicts rather than a nested serializer: a detail lists every layer, and this is the
        # hottest path of the API.
        proximities = {
            p.layer_id: p for p in commune.proximities.select_related("nearest").defer("nearest__attributes")
        }
        stamp = serializers.DateTimeField()
        summaries = []
        for layer in Layer.objects.all():
            p = proximities.get(layer.slug)
            summary = {"layer": layer.slug, "name": layer.name, "theme": layer.theme}
            if p is None:
                summary.update(
                    in_commune=None, within_5km=None, within_10km=None, within_20km=None, nearest=None
                )
                summary["computed_at"] = None
            else:
                nearest = None
                if p.nearest is not None and p.nearest_km is not None:
                    nearest = {
                        "id": p.nearest.pk,
                        "name": p.nearest.name,
                        "commune": p.nearest.commune_id,
                        "distance_km": round(p.nearest_km, 3),
                    }
                summary.update(
                    in_commune=p.in_commune,
                    within_5km=p.within_5km,
                    within_10km=p.within_10km,
                    within_20km=p.within_20km,
                    nearest=nearest,
                    computed_at=stamp.to_representation(p.computed_at),
                )
            summaries.append(summary)
        return summaries


class SourceSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    expected_every_days = serializers.SerializerMethodField()
    is_stale = serializers.SerializerMethodField(
        help_text="Vrai quand la dernière réussite est plus ancienne que le rythme attendu (ou n'a jamais eu lieu)"
    )

    class Meta:
        model = Source
        fields = [
            "slug",
            "name",
            "publisher",
            "licence",
            "licence_url",
            "homepage",
            "is_territory",
            "state",
            "state_label",
            "last_success_at",
            "last_attempt_at",
            "expected_every_days",
            "is_stale",
        ]

    def get_expected_every_days(self, source) -> float:
        return source.expected_every.total_seconds() / 86400

    def get_is_stale(self, source) -> bool:
        return source.is_stale


class LayerSerializer(serializers.ModelSerializer):
    """A layer with its sources; ``sources`` and ``place_count`` come from the view's context."""

    theme_label = serializers.CharField(source="get_theme_display")
    place_count = serializers.SerializerMethodField(help_text="Lieux publiés (actifs)")
    sources = serializers.SerializerMethodField()
    licence = serializers.SerializerMethodField()
    last_update = serializers.SerializerMethodField(
        help_text="Dernière mise à jour réussie d'une de ses sources"
    )
    state = serializers.SerializerMethodField(help_text="État le plus défavorable de ses sources")
    is_stale = serializers.SerializerMethodField()

    class Meta:
        model = Layer
        fields = [
            "slug",
            "name",
            "singular",
            "theme",
            "theme_label",
            "description",
            "is_territory",
            "place_count",
            "sources",
            "licence",
            "last_update",
            "state",
            "is_stale",
        ]

    def _sources(self, layer):
        return self.context["layer_sources"].get(layer.slug, [])

    def get_place_count(self, layer) -> int:
        return self.context["place_counts"].get(layer.slug, 0)

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, layer):
        return SourceSerializer(self._sources(layer), many=True).data

    def get_licence(self, layer) -> str:
        return " ; ".join(sorted({s.licence for s in self._sources(layer)}))

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_last_update(self, layer):
        stamps = [s.last_success_at for s in self._sources(layer) if s.last_success_at]
        return serializers.DateTimeField().to_representation(max(stamps)) if stamps else None

    @extend_schema_field({"type": "string", "enum": ["never", "ok", "failed", "running"]})
    def get_state(self, layer):
        return str(layer_state(self._sources(layer)))

    def get_is_stale(self, layer) -> bool:
        sources = self._sources(layer)
        return not sources or any(s.is_stale for s in sources)


class PlaceSerializer(serializers.ModelSerializer):
    commune_name = serializers.CharField(allow_null=True, read_only=True)
    distance_km = serializers.SerializerMethodField(
        help_text="Distance au point demandé (lat, lon), sinon null"
    )

    class Meta:
        model = Place
        fields = [
            "id",
            "layer",
            "source",
            "source_ref",
            "name",
            "commune",
            "commune_name",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "attributes",
            "first_seen",
            "last_seen",
            "distance_km",
        ]

    @extend_schema_field({"type": "number", "format": "double", "nullable": True})
    def get_distance_km(self, place):
        distance = getattr(place, "distance_km", None)
        return None if distance is None else round(distance, 3)


def place_feature(place, distance_km=None):
    """A place as a GeoJSON Feature (RFC 7946: coordinates are longitude, latitude)."""
    return {
        "type": "Feature",
        "id": place.pk,
        "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
        "properties": {
            "id": place.pk,
            "name": place.name,
            "layer": place.layer_id,
            "source": place.source_id,
            "source_ref": place.source_ref,
            "commune": place.commune_id,
            "address": place.address,
            "postcode": place.postcode,
            "distance_km": None if distance_km is None else round(distance_km, 3),
        },
    }


# --- Schemas of the GeoJSON answers (documentation only: the views build plain dicts).


def constant(value):
    """A string field documented as that one value (GeoJSON ``type`` members), without a shared enum."""

    # A pattern rather than a one-value enum: drf-spectacular would turn each enum into a shared component.
    @extend_schema_field({"type": "string", "pattern": f"^{value}$"})
    class Constant(serializers.CharField):
        pass

    return Constant()


class PointGeometrySerializer(serializers.Serializer):
    type = constant("Point")
    coordinates = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)


class PlaceFeaturePropertiesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    layer = serializers.CharField()
    source = serializers.CharField()
    source_ref = serializers.CharField()
    commune = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_blank=True)
    postcode = serializers.CharField(allow_blank=True)
    distance_km = serializers.FloatField(allow_null=True)


class PlaceFeatureSerializer(serializers.Serializer):
    type = constant("Feature")
    id = serializers.IntegerField()
    geometry = PointGeometrySerializer()
    properties = PlaceFeaturePropertiesSerializer()


class PlaceFeatureCollectionSerializer(serializers.Serializer):
    type = constant("FeatureCollection")
    count = serializers.IntegerField(help_text="Nombre total de lieux localisés correspondant aux filtres")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    licence = serializers.CharField()
    attribution = AttributionSerializer(many=True)
    features = PlaceFeatureSerializer(many=True)


class ContourGeometrySerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Polygon ou MultiPolygon")
    coordinates = serializers.ListField(child=serializers.JSONField())


class ContourPropertiesSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    licence = serializers.CharField()
    attribution = AttributionSerializer(many=True)


class ContourFeatureSerializer(serializers.Serializer):
    type = constant("Feature")
    id = serializers.CharField()
    geometry = ContourGeometrySerializer()
    properties = ContourPropertiesSerializer()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Par paramètre fautif, ses messages",
    )


class ApiRootSerializer(serializers.Serializer):
    communes = serializers.URLField()
    layers = serializers.URLField()
    places = serializers.URLField()
    places_geojson = serializers.URLField()
    downloads = serializers.DictField(child=serializers.URLField())
    schema = serializers.URLField()
    docs = serializers.URLField()
    licence = serializers.CharField()
    licence_url = serializers.URLField()
