"""The nearest useful places (schools of the children's levels, crèches, GPs, pharmacies) around the
communes a family considers, computed from the open-data layers with the project's distance function."""

from dataclasses import dataclass

import numpy as np

from communes.geo import haversine_km
from communes.models import Layer, Place

# Layers worth showing for a child of each school level (slugs fixed by the data catalogue).
LEVEL_LAYERS = {
    "petite_enfance": [
        "creches",
        "assistantes-maternelles",
        "maisons-assistantes-maternelles",
        "relais-petite-enfance",
    ],
    "maternelle": ["ecoles-maternelles", "ecoles-elementaires"],  # écoles primaires sit in "élémentaires"
    "elementaire": ["ecoles-elementaires"],
    "college": ["colleges"],
    "lycee": ["lycees"],
}
ALWAYS_LAYERS = ["medecins-generalistes", "medecins-nouveaux-patients", "pharmacies"]
PER_LAYER = 3
# Only places within this box around the commune are loaded (about 45 km): the nearest ones are always
# inside it in a département, and it keeps the query small.
BOX_DEGREES = 0.4


@dataclass
class NearbyPlace:
    place: Place
    distance_km: float


def layers_for_household(household):
    slugs = []
    for child in household.children.all():
        slugs.extend(LEVEL_LAYERS.get(child.school_level, []))
    slugs.extend(ALWAYS_LAYERS)
    return list(dict.fromkeys(slugs))


def nearest_places(commune, layer_slugs, per_layer=PER_LAYER):
    """{layer: [NearbyPlace, …]} for the located active places of each layer nearest the commune centre."""
    if commune.latitude is None or commune.longitude is None:
        return {}
    layers = {layer.slug: layer for layer in Layer.objects.filter(slug__in=layer_slugs)}
    result = {}
    for slug in layer_slugs:
        layer = layers.get(slug)
        if layer is None:
            continue
        # Only ids and coordinates for the whole box; full rows for the few nearest (a commune row
        # carries its contour, heavy to load for hundreds of places).
        candidates = list(
            Place.objects.active()
            .mappable()  # an approximate point still ranks (the list says so), an unknown one cannot
            .filter(
                layer=layer,
                latitude__range=(commune.latitude - BOX_DEGREES, commune.latitude + BOX_DEGREES),
                longitude__range=(
                    commune.longitude - BOX_DEGREES * 1.5,
                    commune.longitude + BOX_DEGREES * 1.5,
                ),
            )
            .values_list("pk", "latitude", "longitude")
        )
        if not candidates:
            continue  # an empty layer would only add noise to the dossier page
        ids, lats, lons = zip(*candidates, strict=True)
        distances = haversine_km(commune.latitude, commune.longitude, lats, lons)
        order = np.argsort(distances, kind="stable")[:per_layer]
        nearest = {ids[i]: round(float(distances[i]), 1) for i in order}
        places = Place.objects.filter(pk__in=nearest).select_related("commune").defer("commune__contour")
        result[layer] = sorted(
            (NearbyPlace(place, nearest[place.pk]) for place in places),
            key=lambda item: (item.distance_km, item.place.pk),
        )
    return result


def nearby_for_household(household):
    """[(commune, {layer: [NearbyPlace]})] for the chosen commune, else each commune considered."""
    communes = (
        [household.commune_chosen]
        if household.commune_chosen_id
        else list(household.communes_considered.all())
    )
    slugs = layers_for_household(household)
    return [(commune, nearest_places(commune, slugs)) for commune in communes]


# The CNAF's childcare capacity of a commune, shown next to the places when a family has a baby.
CHILDCARE_INDICATORS = ["caf-places-total", "caf-places-assistantes-maternelles", "caf-taux-couverture"]


def has_baby(household):
    return any(child.school_level == "petite_enfance" for child in household.children.all())


def childcare_capacity(communes):
    """{commune pk: [CommuneIndicator]} of the CNAF capacity figures (one query for all communes)."""
    from communes.models import CommuneIndicator

    rows = (
        CommuneIndicator.objects.filter(commune__in=communes, indicator__slug__in=CHILDCARE_INDICATORS)
        .select_related("indicator")
        .order_by("indicator__slug")
    )
    result = {}
    for row in rows:
        result.setdefault(row.commune_id, []).append(row)
    return result
