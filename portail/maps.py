"""Map options for the public pages, taken from django-leaflet's ``LEAFLET_CONFIG``.

django-leaflet's ``{% leaflet_map %}`` tag writes an inline ``<script>``, which our Content Security
Policy forbids; so pages load Leaflet with ``{% leaflet_js %}``/``{% leaflet_css %}``, pass these options
through ``json_script``, and ``static/js/maps.js`` calls ``L.Map.djangoMap`` itself.
"""

import copy
import json
from functools import cache

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
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
# of one theme (every health layer shares a colour) are told apart without relying on colour. Translated
# (English pages show "GP" for "Mé"): two letters of the layer's name as the reader reads it.
LAYER_SYMBOLS = {
    "ecoles-maternelles": pgettext_lazy("symbole de carte", "Ma"),
    "ecoles-elementaires": pgettext_lazy("symbole de carte", "Él"),
    "colleges": pgettext_lazy("symbole de carte", "Co"),
    "lycees": pgettext_lazy("symbole de carte", "Ly"),
    "creches": pgettext_lazy("symbole de carte", "Cr"),
    "assistantes-maternelles": pgettext_lazy("symbole de carte", "AM"),
    "maisons-assistantes-maternelles": pgettext_lazy("symbole de carte", "MA"),
    "relais-petite-enfance": pgettext_lazy("symbole de carte", "RP"),
    "medecins-generalistes": pgettext_lazy("symbole de carte", "Mé"),
    "medecins-nouveaux-patients": pgettext_lazy("symbole de carte", "MN"),
    "pharmacies": pgettext_lazy("symbole de carte", "Ph"),
    "dentistes": pgettext_lazy("symbole de carte", "De"),
    "infirmiers": pgettext_lazy("symbole de carte", "In"),
    "veterinaires": pgettext_lazy("symbole de carte", "Vé"),
    "sport-football": pgettext_lazy("symbole de carte", "Fo"),
    "sport-tennis": pgettext_lazy("symbole de carte", "Te"),
    "sport-natation": pgettext_lazy("symbole de carte", "Na"),
    "sport-gymnases": pgettext_lazy("symbole de carte", "Gy"),
    "sport-autres": pgettext_lazy("symbole de carte", "Sp"),
    "hebergements-touristiques": pgettext_lazy("symbole de carte", "Hé"),
    "associations": pgettext_lazy("symbole de carte", "As"),
}


def layer_symbol(slug, name=""):
    """The layer's symbol; for a layer added later, the first two letters of its name."""
    symbol = LAYER_SYMBOLS.get(slug)
    if symbol:
        return str(symbol)
    return name[:2].capitalize() if name else slug[:2].capitalize()
