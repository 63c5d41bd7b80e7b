"""Serializers of the open-data API: communes with their layer summaries, layers with their sources, places."""

from django.urls import NoReverseMatch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communes.contacts import website_href
from communes.enums import IndicatorLevel, PositionQuality
from communes.indicators import IndicatorReading, finite
from communes.models import EPCI, Commune, CommuneIndicator, Departement, Indicator, Layer, Place, Source
from communes.publication import edition_status, is_fictional

from .licensing import layer_state


class AttributionSerializer(serializers.Serializer):
    source = serializers.CharField()
    name = serializers.CharField()
    publisher = serializers.CharField()
    licence = serializers.CharField()
    licence_url = serializers.URLField()
    homepage = serializers.CharField(allow_blank=True)
    last_update = serializers.DateTimeField(
        allow_null=True, help_text="Date du dernier import réussi sur ce site"
    )
    data_vintage = serializers.CharField(
        allow_blank=True,
        help_text="Millésime des données selon leur producteur (« BPE 2024 »), vide s'il n'en donne pas",
    )
    data_date = serializers.DateField(allow_null=True, help_text="Date des données elles-mêmes, si connue")
    is_fictional = serializers.BooleanField(
        help_text="Vrai quand les données publiées sont fictives (démonstration)"
    )


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
    address = serializers.CharField(allow_blank=True, help_text="Adresse publiée par la source, sinon vide")
    phone = serializers.CharField(allow_blank=True, help_text="Téléphone publié par la source, sinon vide")
    website = serializers.CharField(allow_blank=True, help_text="Adresse web (http ou https), sinon vide")
    distance_km = serializers.FloatField(
        help_text="À vol d'oiseau depuis le centre de la commune, arrondie à 100 m (un lieu d'une autre commune "
        "compte dans un rayon quand cette distance arrondie ne le dépasse pas) ; 0 quand le lieu est dans la "
        "commune : un lieu de la commune compte dans tous les rayons, même sans position connue"
    )


class LayerSummarySerializer(serializers.Serializer):
    """A layer seen from one commune (communes.Proximity); counts are null where the layer publishes nothing
    for the commune's territory ("pas de données"), never 0."""

    layer = serializers.CharField()
    name = serializers.CharField()
    theme = serializers.CharField()
    in_commune = serializers.IntegerField(allow_null=True)
    within_5km = serializers.IntegerField(allow_null=True)
    within_10km = serializers.IntegerField(allow_null=True)
    within_20km = serializers.IntegerField(allow_null=True)
    nearest = NearestSerializer(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)


class LinkedPlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    commune = serializers.CharField(allow_null=True, help_text="Code INSEE de la commune du lieu")


class CommuneFigureSerializer(serializers.Serializer):
    """One indicator for one commune; ``value`` is null when there is no figure, never 0."""

    indicator = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    theme = serializers.CharField()
    has_data = serializers.BooleanField(help_text="Faux quand la source ne publie rien pour cette commune")
    value = serializers.FloatField(
        allow_null=True,
        help_text="Null quand il n'y a pas de données ou que la source ne publie pas le chiffre (trop peu de ventes…)",
    )
    text = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField(
        allow_null=True, help_text="Base du chiffre (ventes, locaux…), si connue"
    )
    level = serializers.ChoiceField(
        choices=IndicatorLevel.choices,
        allow_null=True,
        help_text="Territoire sur lequel le chiffre est mesuré : la commune, ou son EPCI ou son département",
    )
    territory_code = serializers.CharField(allow_blank=True)
    territory_name = serializers.CharField(allow_blank=True)
    place = LinkedPlaceSerializer(allow_null=True, help_text="Lieu lié (le collège de secteur…)")
    vintage = serializers.CharField(allow_blank=True, help_text="Millésime du chiffre ou de sa source")
    data_date = serializers.DateField(allow_null=True)
    source = serializers.CharField()
    is_fictional = serializers.BooleanField(
        help_text="Vrai quand la source publie des chiffres fictifs (démonstration)"
    )


def commune_figure(indicator, row, source):
    """The API's plain dict for one indicator of one commune (row None: no data)."""
    reading = IndicatorReading(indicator, source, row)
    place = None
    if row is not None and row.place_id is not None and row.place is not None:
        place = {"id": row.place.pk, "name": row.place.name, "commune": row.place.commune_id}
    return {
        "indicator": indicator.slug,
        "name": indicator.name,
        "unit": indicator.unit,
        "theme": indicator.theme,
        "has_data": row is not None,
        "value": None if row is None else finite(row.value),
        "text": "" if row is None else row.text,
        "count": None if row is None else row.count,
        "level": None if row is None else row.level,
        "territory_code": "" if row is None else row.territory_code,
        "territory_name": "" if row is None else row.territory_name,
        "place": place,
        "vintage": reading.vintage,
        "data_date": None if reading.data_date is None else reading.data_date.isoformat(),
        "source": indicator.source_id,
        "is_fictional": source is not None and is_fictional(source),
    }


class CommuneDetailSerializer(CommuneSerializer):
    density = serializers.FloatField(allow_null=True, read_only=True, help_text="Habitants par km²")
    has_contour = serializers.SerializerMethodField()
    layers = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField(
        help_text="Chaque indicateur publié sur le site, avec la valeur de la commune ou null"
    )

    class Meta(CommuneSerializer.Meta):
        fields = [*CommuneSerializer.Meta.fields, "density", "has_contour", "layers", "indicators"]

    @extend_schema_field(CommuneFigureSerializer(many=True))
    def get_indicators(self, commune):
        indicators = list(Indicator.objects.select_related("source"))
        if not indicators:
            return []
        rows = {
            row.indicator_id: row
            for row in CommuneIndicator.objects.filter(commune=commune, is_active=True).select_related(
                "place"
            )
        }
        return [commune_figure(i, rows.get(i.pk), i.source) for i in indicators]

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
                        "address": p.nearest.address,
                        "phone": p.nearest.phone,
                        "website": website_href(p.nearest.website),
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
    published_every_days = serializers.SerializerMethodField(help_text="Rythme de publication du producteur")
    is_stale = serializers.SerializerMethodField(
        help_text="Vrai quand la dernière réussite est plus ancienne que le rythme attendu (ou n'a jamais eu lieu)"
    )
    is_up_to_date = serializers.SerializerMethodField(
        help_text="Vrai quand le producteur n'a rien publié de plus récent que les données importées, "
        "compte tenu de son rythme de publication"
    )
    is_fictional = serializers.SerializerMethodField(help_text="Données publiées fictives (démonstration)")

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
            "data_vintage",
            "data_date",
            "last_success_at",
            "last_attempt_at",
            "expected_every_days",
            "published_every_days",
            "is_stale",
            "is_up_to_date",
            "is_fictional",
        ]

    def get_expected_every_days(self, source) -> float:
        return source.expected_every.total_seconds() / 86400

    @extend_schema_field({"type": "number", "format": "double", "nullable": True})
    def get_published_every_days(self, source):
        return None if source.published_every is None else source.published_every.total_seconds() / 86400

    def get_is_stale(self, source) -> bool:
        return source.is_stale

    def get_is_up_to_date(self, source) -> bool:
        return edition_status(source).is_current

    def get_is_fictional(self, source) -> bool:
        return is_fictional(source)


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
    latitude = serializers.SerializerMethodField(help_text="Null quand la position est inconnue")
    longitude = serializers.SerializerMethodField(help_text="Null quand la position est inconnue")
    position_quality = serializers.ChoiceField(
        choices=PositionQuality.choices,
        read_only=True,
        help_text="exact : point placé par la source ; approximate : point tiré au hasard dans la commune par la "
        "source (à ne pas montrer comme un emplacement exact) ; unknown : pas de point",
    )
    website = serializers.CharField(read_only=True, help_text="Adresse web (http ou https), sinon vide")

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
            "phone",
            "email",
            "website",
            "latitude",
            "longitude",
            "position_quality",
            "attributes",
            "first_seen",
            "last_seen",
            "distance_km",
        ]

    @extend_schema_field({"type": "number", "format": "double", "nullable": True})
    def get_distance_km(self, place):
        distance = getattr(place, "distance_km", None)
        return None if distance is None else round(distance, 3)

    @extend_schema_field({"type": "number", "format": "double", "nullable": True})
    def get_latitude(self, place):
        return place_point(place)[1]

    @extend_schema_field({"type": "number", "format": "double", "nullable": True})
    def get_longitude(self, place):
        return place_point(place)[0]

    def to_representation(self, place):
        data = super().to_representation(place)
        data["website"] = website_href(place.website)
        return data


def place_point(place):
    """(lon, lat) as published, or (None, None) when the source does not know where the place is."""
    if getattr(place, "position_quality", PositionQuality.EXACT) == PositionQuality.UNKNOWN:
        return None, None
    if place.latitude is None or place.longitude is None:
        return None, None
    return place.longitude, place.latitude


def place_feature(place, distance_km=None):
    """A place as a GeoJSON Feature (RFC 7946: coordinates are longitude, latitude).

    An approximate point (drawn at random inside its commune by the source) keeps its point but says so
    in ``position_quality``, so that a map can show it as "somewhere in the commune", not as an address.
    """
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
            "phone": place.phone,
            "email": place.email,
            "website": website_href(place.website),
            "position_quality": place.position_quality,
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
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    website = serializers.CharField(allow_blank=True)
    position_quality = serializers.ChoiceField(
        choices=PositionQuality.choices,
        help_text="approximate : point tiré au hasard dans la commune par la source, pas un emplacement exact "
        "(les lieux sans point ne figurent pas en GeoJSON)",
    )
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


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator and its source; ``commune_count`` comes from the view's context."""

    theme_label = serializers.CharField(source="get_theme_display")
    source = SourceSerializer()
    commune_count = serializers.SerializerMethodField(
        help_text="Communes ayant une ligne pour cet indicateur"
    )

    class Meta:
        model = Indicator
        fields = ["slug", "name", "unit", "theme", "theme_label", "description", "source", "commune_count"]

    def get_commune_count(self, indicator) -> int:
        return self.context.get("commune_counts", {}).get(indicator.slug, 0)


class IndicatorValueSerializer(serializers.Serializer):
    """One row of an indicator for one commune (only communes for which the source publishes a row)."""

    commune = serializers.CharField(help_text="Code INSEE")
    commune_name = serializers.CharField()
    indicator = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    value = serializers.FloatField(allow_null=True, help_text="Null quand la source ne publie pas le chiffre")
    text = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField(allow_null=True)
    level = serializers.ChoiceField(choices=IndicatorLevel.choices)
    territory_code = serializers.CharField(allow_blank=True)
    territory_name = serializers.CharField(allow_blank=True)
    place = LinkedPlaceSerializer(allow_null=True)
    vintage = serializers.CharField(allow_blank=True)
    data_date = serializers.DateField(allow_null=True)
    source = serializers.CharField()
    is_fictional = serializers.BooleanField(
        help_text="Vrai quand la source publie des chiffres fictifs (démonstration)"
    )


def indicator_value(row):
    figure = commune_figure(row.indicator, row, row.indicator.source)
    return {
        "commune": row.commune_id,
        "commune_name": row.commune_name,
        "indicator": figure["indicator"],
        "unit": figure["unit"],
        **{k: figure[k] for k in ("value", "text", "count", "level", "territory_code", "territory_name", "place",
                                  "vintage", "data_date", "source", "is_fictional")},
    }  # fmt: skip


class ApiRootSerializer(serializers.Serializer):
    communes = serializers.URLField()
    layers = serializers.URLField()
    places = serializers.URLField()
    indicators = serializers.URLField()
    indicator_values = serializers.URLField()
    places_geojson = serializers.URLField()
    downloads = serializers.DictField(child=serializers.URLField())
    schema = serializers.URLField()
    docs = serializers.URLField()
    licence = serializers.CharField()
    licence_url = serializers.URLField()
