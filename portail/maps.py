"""Map options for the public pages, taken from django-leaflet's ``LEAFLET_CONFIG``.

django-leaflet's ``{% leaflet_map %}`` tag writes an inline ``<script>``, which our Content Security
Policy forbids; so pages load Leaflet with ``{% leaflet_js %}``/``{% leaflet_css %}``, pass these options
through ``json_script``, and ``static/js/maps.js`` calls ``L.Map.djangoMap`` itself.
"""

import copy
import json
from functools import cache

from django.utils.translation import gettext as _
from leaflet.templatetags.leaflet_tags import leaflet_map


@cache
def _configured_options():
    return json.loads(leaflet_map("map")["djoptions"])


# The tiles' credit as settings.LEAFLET_CONFIG writes it (French), shown in the page's language.
OSM_CREDIT = "&copy; contributeurs OpenStreetMap"


def leaflet_options():
    options = copy.deepcopy(_configured_options())
    for layer in options.get("layers", []):
        if len(layer) > 2 and isinstance(layer[2], dict) and layer[2].get("attribution") == OSM_CREDIT:
            layer[2]["attribution"] = _("&copy; contributeurs OpenStreetMap")
    return options


# One short symbol per layer, drawn inside its markers and beside its name in the legend, so that layers
# of one theme (every health layer shares a colour) are told apart without relying on colour.
LAYER_SYMBOLS = {
    "ecoles-maternelles": "Ma",
    "ecoles-elementaires": "Él",
    "colleges": "Co",
    "lycees": "Ly",
    "creches": "Cr",
    "assistantes-maternelles": "AM",
    "maisons-assistantes-maternelles": "MA",
    "relais-petite-enfance": "RP",
    "medecins-generalistes": "Mé",
    "medecins-nouveaux-patients": "MN",
    "pharmacies": "Ph",
    "dentistes": "De",
    "infirmiers": "In",
    "veterinaires": "Vé",
    "sport-football": "Fo",
    "sport-tennis": "Te",
    "sport-natation": "Na",
    "sport-gymnases": "Gy",
    "sport-autres": "Sp",
    "hebergements-touristiques": "Hé",
    "associations": "As",
}


def layer_symbol(slug, name=""):
    """The layer's symbol; for a layer added later, the first two letters of its name."""
    return LAYER_SYMBOLS.get(slug) or (name[:2].capitalize() if name else slug[:2].capitalize())
