"""Map options for the public pages, taken from django-leaflet's ``LEAFLET_CONFIG``.

django-leaflet's ``{% leaflet_map %}`` tag writes an inline ``<script>``, which our Content Security
Policy forbids; so pages load Leaflet with ``{% leaflet_js %}``/``{% leaflet_css %}``, pass these options
through ``json_script``, and ``static/js/maps.js`` calls ``L.Map.djangoMap`` itself.
"""

import json
from functools import cache

from leaflet.templatetags.leaflet_tags import leaflet_map


@cache
def leaflet_options():
    return json.loads(leaflet_map("map")["djoptions"])
