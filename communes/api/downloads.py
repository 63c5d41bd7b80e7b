"""Streamed CSV and GeoJSON files of the open data: a whole layer, or the commune summary table.

Format choices, for the people who open these files:

- UTF-8 *with* a byte-order mark. Excel, still the most common tool of our re-users (town halls,
  journalists), decodes a CSV as Windows-1252 unless it starts with a BOM, which turns every accent
  into mojibake; LibreOffice, pandas (``encoding="utf-8-sig"``) and R's readers skip the BOM.
- ``;`` as separator and ``.`` as decimal mark, like INSEE's own files: a French-locale Excel splits
  columns on ``;`` when the file is double-clicked, and the coordinates stay machine-readable.
- Note lines first, each starting with ``#``, carrying the title, date of extraction, licence and
  every source to credit. ``#`` is the comment prefix of the W3C tabular-data model and is
  understood by pandas (``comment="#"``) and R (``comment.char``); a person opening the file sees the
  licence before the data, which is what the Licence Ouverte asks re-users to pass on.
- Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) is
  prefixed with an apostrophe: partners' files end up here, and a downloaded file must not execute.

Rows are read from the database in chunks and written as they come (``StreamingHttpResponse``), so a
national layer of millions of places never sits in memory.
"""

import csv
import json
from datetime import date, datetime
from types import SimpleNamespace

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from communes import proximity
from communes.contacts import website_href
from communes.indicators import finite
from communes.models import Commune, CommuneIndicator, Indicator, Layer, Place, Proximity
from osez.exports import spreadsheet_safe

from .licensing import COMMUNES_SOURCE, credits, layer_sources, licence_text
from .serializers import place_feature, place_point

CHUNK = 2000
# Rows are joined into blocks of about this size before being handed to the server: one socket write
# per row would cost more than producing the row.
BLOCK_BYTES = 64 * 1024
BOM = "\ufeff"


class _Echo:
    """csv.writer target that hands back each formatted line instead of storing it."""

    def write(self, value):
        return value


def buffered(pieces, size=BLOCK_BYTES):
    """Join small strings into blocks of about ``size`` characters."""
    block, length = [], 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block)
            block, length = [], 0
    if block:
        yield "".join(block)


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def _number(value, digits=6):
    return "" if value is None else round(value, digits)


def _note_lines(title, attribution, notes=()):
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        f"{settings.OSEZ_SITE_NAME} — {title}",
        f"Extrait le {now}",
        f"Licence : {licence_text(attribution)}",
    ]
    for a in attribution:
        updated = timezone.localtime(a["last_update"]).strftime("%Y-%m-%d") if a["last_update"] else "jamais"
        edition = a["data_vintage"] or (a["data_date"].isoformat() if a["data_date"] else "non indiquées")
        lines.append(
            f"Source : {a['name']} ({a['publisher']}), {a['licence']} {a['licence_url']}, données : {edition}, "
            f"mise à jour le {updated}"
        )
        if a["is_fictional"]:
            lines.append(
                f"ATTENTION : les données de « {a['name']} » sont fictives (démonstration), pas réelles"
            )
    lines.extend(str(n) for n in notes)
    # A separator inside a note would split it into columns in a spreadsheet.
    return ["# " + line.replace(";", ",").replace("\n", " ") + "\r\n" for line in lines]


def _csv_stream(title, attribution, header, rows, notes=()):
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield BOM
    yield from _note_lines(title, attribution, notes)
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(v) for v in row])


def _layer_attribution(layer):
    return credits(source for source, _count, _seen in layer_sources().get(layer.slug, []))


def _places(layer):
    return (
        Place.objects.active()
        .filter(layer=layer)
        # The commune's name only: joining the whole commune would read its contour for every place.
        .annotate(commune_name=F("commune__name"))
        .order_by("commune_id", "name", "id")
    )


PLACE_HEADER = [
    "id",
    "nom",
    "couche",
    "source",
    "identifiant_source",
    "code_insee",
    "commune",
    "adresse",
    "code_postal",
    "telephone",
    "courriel",
    "site_web",
    "latitude",
    "longitude",
    "qualite_position",
    "attributs",
    "premiere_vue",
    "derniere_vue",
]


def layer_csv(layer):
    def rows():
        for p in _places(layer).iterator(chunk_size=CHUNK):
            lon, lat = place_point(p)
            yield [
                p.pk,
                p.name,
                p.layer_id,
                p.source_id,
                p.source_ref,
                p.commune_id or "",
                p.commune_name or "",
                p.address,
                p.postcode,
                p.phone,
                p.email,
                website_href(p.website),
                _number(lat),
                _number(lon),
                p.position_quality,
                json.dumps(p.attributes, ensure_ascii=False, sort_keys=True) if p.attributes else "",
                p.first_seen.date().isoformat(),
                p.last_seen.date().isoformat(),
            ]

    return buffered(_csv_stream(str(layer.name), _layer_attribution(layer), PLACE_HEADER, rows()))


FEATURE_FIELDS = [
    "pk",
    "name",
    "layer_id",
    "source_id",
    "source_ref",
    "commune_id",
    "address",
    "postcode",
    "phone",
    "email",
    "website",
    "latitude",
    "longitude",
    "position_quality",
]


def layer_geojson(layer):
    """A FeatureCollection of the layer's located places, written feature by feature."""
    attribution = _layer_attribution(layer)
    head = {
        "type": "FeatureCollection",
        "name": layer.slug,
        "title": str(layer.name),
        "generated_at": timezone.now().isoformat(),
        "licence": licence_text(attribution),
        "attribution": attribution,
        "note": "Seuls les lieux localisés figurent ici ; le CSV de la couche les contient tous. Un lieu dont "
        "position_quality vaut « approximate » a un point tiré au hasard dans sa commune par la source : "
        "ce n'est pas son emplacement exact.",
    }
    opening = json.dumps(head, ensure_ascii=False, default=_json_default)[:-1] + ', "features": ['

    def stream():
        yield opening
        first = True
        # Plain rows rather than model instances: a national layer is millions of features.
        rows = _places(layer).mappable().values(*FEATURE_FIELDS).iterator(chunk_size=CHUNK)
        for row in rows:
            feature = json.dumps(place_feature(SimpleNamespace(**row)), ensure_ascii=False)
            yield feature if first else "," + feature
            first = False
        yield "]}\n"

    return buffered(stream())


def _layer_columns(layers):
    header = []
    for layer in layers:
        s = layer.slug
        header += [f"{s}_commune", f"{s}_5km", f"{s}_10km", f"{s}_20km", f"{s}_plus_proche_km"]
    return header


def communes_csv():
    """One row per active commune: identity, population, EPCI, and per layer its counts and nearest distance."""
    layers = list(Layer.objects.all())
    header = [
        "code_insee",
        "nom",
        "departement",
        "codes_postaux",
        "population",
        "superficie_ha",
        "epci_siren",
        "epci_nom",
        "latitude",
        "longitude",
        *_layer_columns(layers),
    ]
    attribution = credits(
        [COMMUNES_SOURCE, *(s for rows in layer_sources().values() for s, _n, _seen in rows)]
    )

    def rows():
        communes = Commune.objects.active().select_related("epci").defer("contour").order_by("code_insee")
        chunk = []
        for commune in communes.iterator(chunk_size=CHUNK):
            chunk.append(commune)
            if len(chunk) == CHUNK:
                yield from _commune_rows(chunk, layers)
                chunk = []
        if chunk:
            yield from _commune_rows(chunk, layers)

    notes = (
        "Cases vides d'une couche : pas de données publiées pour le département de la commune (jamais 0)",
        "Distances à vol d'oiseau depuis le centre de la commune, arrondies à 100 m ; "
        + str(proximity.RULE_TEXT),
    )
    return buffered(_csv_stream("Communes et équipements", attribution, header, rows(), notes))


def _commune_rows(communes, layers):
    proximities = {}
    for p in Proximity.objects.filter(commune__in=[c.code_insee for c in communes]).values(
        "commune_id", "layer_id", "in_commune", "within_5km", "within_10km", "within_20km", "nearest_km"
    ):
        proximities[(p["commune_id"], p["layer_id"])] = p
    for c in communes:
        row = [
            c.code_insee,
            c.name,
            c.departement_id,
            " ".join(c.postcodes or []),
            "" if c.population is None else c.population,
            _number(c.surface_ha, 2),
            c.epci_id or "",
            c.epci.name if c.epci else "",
            _number(c.latitude),
            _number(c.longitude),
        ]
        for layer in layers:
            p = proximities.get((c.code_insee, layer.slug))
            if p is None:
                row += ["", "", "", "", ""]
            else:
                row += [
                    p["in_commune"],
                    p["within_5km"],
                    p["within_10km"],
                    p["within_20km"],
                    _number(p["nearest_km"], 3),
                ]
        yield row


INDICATOR_HEADER = [
    "code_insee",
    "commune",
    "indicateur",
    "nom_indicateur",
    "valeur",
    "unite",
    "texte",
    "effectif",
    "echelle",
    "territoire_code",
    "territoire_nom",
    "lieu_id",
    "lieu_nom",
    "millesime",
    "date_donnees",
    "source",
]


def indicators_csv():
    """One row per commune and indicator the sources publish; an empty ``valeur`` is no figure, never 0.

    Communes for which a source publishes nothing have no row: the note lines say so.
    """
    indicators = {i.pk: i for i in Indicator.objects.all()}
    attribution = credits({i.source_id for i in indicators.values()})
    by_source = {a["source"]: a for a in attribution}

    def rows():
        values = (
            CommuneIndicator.objects.filter(is_active=True, commune__is_active=True)
            .annotate(commune_name=F("commune__name"), place_name=F("place__name"))
            .order_by("commune_id", "indicator_id")
        )
        for row in values.iterator(chunk_size=CHUNK):
            indicator = indicators.get(row.indicator_id)
            if indicator is None:
                continue
            credit = by_source.get(indicator.source_id, {})
            vintage = row.vintage or ("" if row.data_date else credit.get("data_vintage", ""))
            data_date = row.data_date if (row.vintage or row.data_date) else credit.get("data_date")
            yield [
                row.commune_id,
                row.commune_name,
                indicator.slug,
                indicator.name,
                "" if finite(row.value) is None else _number(row.value),
                indicator.unit,
                row.text,
                "" if row.count is None else row.count,
                row.level,
                row.territory_code,
                row.territory_name,
                row.place_id or "",
                row.place_name or "",
                vintage,
                data_date.isoformat() if data_date else "",
                indicator.source_id,
            ]

    title = (
        "Chiffres par commune (une ligne par commune et indicateur publiés ; pas de ligne = pas de données, "
        "valeur vide = chiffre non publié par la source, ou trop peu de ventes pour un prix médian DVF)"
    )
    return buffered(_csv_stream(title, attribution, INDICATOR_HEADER, rows()))
