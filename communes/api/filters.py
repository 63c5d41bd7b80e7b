"""Query-string filters of the API; a malformed value is a form error named after its parameter (→ 400)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError as ApiValidationError

from communes.enums import IndicatorLevel
from communes.models import EPCI, Commune, CommuneIndicator, Departement, Indicator, Layer, Place

from .geo import bounding_box

MAX_RADIUS_KM = 100


# Parameters typed as a number or a list of values in the schema: given empty (``?lon=``), they are a
# mistake to name, not a filter to drop silently (django-filter's habit, made for HTML forms).
TYPED_FILTERS = (filters.NumberFilter, filters.ChoiceFilter)


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, keeping the validated filterset on the view (for the point's distances)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        empty = {
            name: [_("valeur vide : donnez une valeur ou retirez le paramètre")]
            for name, declared in filterset.filters.items()
            if isinstance(declared, TYPED_FILTERS)
            and name in request.query_params
            and not request.query_params.get(name, "").strip()
        }
        if empty:
            raise ApiValidationError(empty)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        view.filterset = filterset
        return filterset.qs


class BBoxField(forms.CharField):
    """``minlon,minlat,maxlon,maxlat`` in WGS 84 degrees (the order of GeoJSON and of most map tools)."""

    default_error_messages = {
        "invalid": _("Quatre nombres séparés par des virgules sont attendus : minlon,minlat,maxlon,maxlat."),
        "range": _("Longitudes entre -180 et 180, latitudes entre -90 et 90, minimum avant maximum."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        parts = value.split(",")
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(numbers) != 4 or not all(n == n and abs(n) != float("inf") for n in numbers):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        min_lon, min_lat, max_lon, max_lat = numbers
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise ValidationError(self.error_messages["range"], code="range")
        return min_lon, min_lat, max_lon, max_lat


@extend_schema_field(OpenApiTypes.STR)
class BBoxFilter(filters.Filter):
    field_class = BBoxField

    def filter(self, qs, value):
        if value is None:
            return qs
        min_lon, min_lat, max_lon, max_lat = value
        return qs.filter(
            latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon
        )


def _bounded_query(value):
    """At most communes.search's bounds of characters and words: a 400 that says so, never a 500."""
    from django.core.exceptions import ValidationError

    from communes.search import QueryTooLong, check_query

    try:
        check_query(value)
    except QueryTooLong as exc:
        raise ValidationError(str(exc)) from exc


class CommuneFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        validators=[_bounded_query],
        label=_("Nom de la commune (accents, tirets et « St » ignorés) ou code postal"),
    )
    departement = filters.ModelChoiceFilter(
        queryset=Departement.objects.all(), label=_("Code du département (ex. 10)")
    )
    epci = filters.ModelChoiceFilter(queryset=EPCI.objects.all(), label=_("Code SIREN de l'EPCI"))

    class Meta:
        model = Commune
        fields = ["q", "departement", "epci"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class PlaceFilterForm(forms.Form):
    """A point needs both coordinates; a radius needs a point."""

    def clean(self):
        data = super().clean()
        lat, lon, radius = data.get("lat"), data.get("lon"), data.get("radius_km")
        if lat is not None and lon is None and "lon" not in self.errors:
            self.add_error("lon", _("La longitude est requise avec une latitude."))
        if lon is not None and lat is None and "lat" not in self.errors:
            self.add_error("lat", _("La latitude est requise avec une longitude."))
        if radius is not None and (lat is None or lon is None) and not self.errors:
            self.add_error("radius_km", _("Un rayon demande un point (lat et lon)."))
        return data


def _noop(queryset, name, value):
    # The point and radius are applied together in PlaceFilter.filter_queryset, not one by one.
    return queryset


class PlaceFilter(filters.FilterSet):
    layer = filters.ModelChoiceFilter(queryset=Layer.objects.all(), label=_("Identifiant de la couche"))
    commune = filters.ModelChoiceFilter(
        queryset=Commune.objects.all(), label=_("Code INSEE de la commune du lieu")
    )
    bbox = BBoxFilter(label=_("Emprise minlon,minlat,maxlon,maxlat (degrés WGS 84)"))
    lat = filters.NumberFilter(
        method=_noop, min_value=-90, max_value=90, label=_("Latitude du point (WGS 84), avec lon")
    )
    lon = filters.NumberFilter(
        method=_noop, min_value=-180, max_value=180, label=_("Longitude du point (WGS 84), avec lat")
    )
    radius_km = filters.NumberFilter(
        method=_noop,
        min_value=0,
        max_value=MAX_RADIUS_KM,
        label=_("Rayon autour du point en km (défaut 10, maximum 100)"),
    )

    class Meta:
        model = Place
        fields = ["layer", "commune", "bbox", "lat", "lon", "radius_km"]
        form = PlaceFilterForm

    DEFAULT_RADIUS_KM = 10

    @property
    def point(self):
        """(lat, lon, radius_km) when a point was asked for, else None."""
        data = self.form.cleaned_data
        if data.get("lat") is None or data.get("lon") is None:
            return None
        radius = data.get("radius_km")
        return (
            float(data["lat"]),
            float(data["lon"]),
            float(self.DEFAULT_RADIUS_KM if radius is None else radius),
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        point = self.point
        if point is not None:
            # A cheap rectangle in SQL first; numpy then keeps what is really inside the circle.
            min_lat, min_lon, max_lat, max_lon = bounding_box(*point)
            queryset = queryset.filter(
                latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon
            )
        return queryset


class IndicatorValueFilter(filters.FilterSet):
    indicator = filters.ModelChoiceFilter(
        queryset=Indicator.objects.all(), label=_("Identifiant de l'indicateur")
    )
    commune = filters.ModelChoiceFilter(queryset=Commune.objects.all(), label=_("Code INSEE de la commune"))
    departement = filters.ModelChoiceFilter(
        field_name="commune__departement",
        queryset=Departement.objects.all(),
        label=_("Code du département (ex. 10)"),
    )
    epci = filters.ModelChoiceFilter(
        field_name="commune__epci", queryset=EPCI.objects.all(), label=_("Code SIREN de l'EPCI de la commune")
    )
    level = filters.ChoiceFilter(
        choices=IndicatorLevel.choices, label=_("Territoire mesuré : commune, epci ou departement")
    )

    class Meta:
        model = CommuneIndicator
        fields = ["indicator", "commune", "departement", "epci", "level"]
