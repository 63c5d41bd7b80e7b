"""Reads the Annuaire de l'éducation files of the raw cache: écoles, collèges and lycées as places.

Reads today's export as the publisher serves it — the JSON export, or the CSV export of the same
dataset (``;``, UTF-8 with BOM, mixed-case header, ``position`` as "lat, lon") — and yesterday's (the
2023 header with ``Code postal`` and ``Nombre_d_eleves``), and a copy a spreadsheet re-saved (phone
numbers without their leading 0, dates as dd/mm/yyyy). The file's content decides JSON or CSV.

Only establishments are published, with the contacts the Annuaire gives for them (the school's phone,
its ``ce.XXXX@ac-….fr`` mailbox, its website). ``etat`` "A FERMER" (closing announced) is published with
that state; "FERME" is not. Data date: the newest ``date_maj_ligne``.
"""

import hashlib

from communes.enums import PositionQuality
from communes.text import fold

from ..download import combined_checksum, raw_dir
from ..errors import MissingRawFile
from ..files import load_table, require_fields, resolve
from ..publish import publish_preferred
from ..rows import (
    Batch,
    clean,
    commune_code,
    commune_index,
    email_address,
    french_date,
    parse_date,
    phone_number,
    to_float,
)
from ..rows import website as website_url

SOURCE = "ecoles"
REQUIRED = ["identifiant_de_l_etablissement", "nom_etablissement", "type_etablissement", "code_commune"]
FORMATS = {"annuaire": REQUIRED}
ATTRIBUTES = ["type_etablissement", "libelle_nature", "statut_public_prive", "nombre_d_eleves", "etat",
              "appartenance_education_prioritaire"]  # fmt: skip
OPEN_STATES = {"OUVERT", "A FERMER"}
# precision_localisation values that place the point only somewhere in the commune.
COMMUNE_LEVEL_PRECISION = ("ville", "commune", "centroide")


def raw_files(dep):
    """The département's export: JSON and/or CSV (either may be gzip-compressed)."""
    folder = raw_dir("ecoles")
    return [folder / f"annuaire-education-{dep}.json", folder / f"annuaire-education-{dep}.csv"]


def input_file(dep):
    """The freshest of the département's JSON and CSV exports."""
    found = [resolve(p) for p in raw_files(dep) if resolve(p).exists()]
    if not found:
        raise MissingRawFile(f"fichier absent du cache : {raw_files(dep)[0]} (ni sa version .csv)")
    return max(found, key=lambda p: p.stat().st_mtime)


def _flag(value):
    text = clean(value).lower()
    if text in ("", "0", "false", "non", "0.0"):
        return False
    if text in ("1", "true", "oui", "1.0"):
        return True
    raise ValueError(f"indicateur illisible : {value!r}")


def layers_for(record):
    """The layers a record feeds: an école with both levels (primaire) feeds both school layers.

    The levels come from ``ecole_maternelle``/``ecole_elementaire``, or from ``libelle_nature`` when a
    CSV leaves both empty.
    """
    kind = fold(clean(record.get("type_etablissement")))
    if kind.startswith("ecole"):
        layers = []
        maternelle, elementaire = (
            _flag(record.get("ecole_maternelle")),
            _flag(record.get("ecole_elementaire")),
        )
        if not (maternelle or elementaire):
            nature = fold(clean(record.get("libelle_nature")))
            maternelle = "maternelle" in nature or "primaire" in nature
            elementaire = "elementaire" in nature or "primaire" in nature
        if maternelle:
            layers.append("ecoles-maternelles")
        if elementaire:
            layers.append("ecoles-elementaires")
        return layers
    if kind.startswith("college"):
        return ["colleges"]
    if kind.startswith("lycee"):
        return ["lycees"]
    return []


def position(record):
    """(lat, lon) from ``latitude``/``longitude``, else ``position`` ({lon, lat} in JSON, "lat, lon" in CSV)."""
    lat, lon = to_float(record.get("latitude")), to_float(record.get("longitude"))
    if lat is not None or lon is not None:
        return lat, lon
    pos = record.get("position")
    if isinstance(pos, dict):
        return to_float(pos.get("lat")), to_float(pos.get("lon"))
    text = clean(pos)
    if text:
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 2:
            raise ValueError(f"position illisible : {text!r}")
        return to_float(parts[0]), to_float(parts[1])
    return None, None


def reference(record):
    """The place's reference: the UAI, or for an establishment the Annuaire lists on several lines
    (``etablissement_multi_lignes`` in 2023, ``multi_uai`` since: an annex in another commune, a lycée's
    vocational part) the UAI with what tells its lines apart (commune, name, address)."""
    uai = clean(record.get("identifiant_de_l_etablissement")).upper()
    multi = clean(record.get("etablissement_multi_lignes") or record.get("multi_uai")).lower()
    if uai and multi in ("1", "true", "oui"):
        what = "|".join(clean(record.get(k)) for k in ("code_commune", "nom_etablissement", "adresse_1"))
        return f"{uai}-{hashlib.blake2b(what.encode(), digest_size=4).hexdigest()}"
    return uai


def read(departements, progress=None):
    batch = Batch(departements=tuple(departements))
    communes = commune_index(departements)
    paths, dates = [], []
    for dep in departements:
        path = input_file(dep)
        paths.append(path)
        fields, records = load_table(path)
        require_fields(fields, REQUIRED, path.name, SOURCE)
        batch.next_file()
        for line, span, record in records:
            if progress:
                progress(1)
            if record is None:
                batch.total_rows += span
                batch.reject(
                    line, f"ligne illisible : colonnes décalées ou guillemet non fermé ({span} ligne(s) du fichier)",
                    lines=span,
                )  # fmt: skip
                continue
            state = clean(record.get("etat")).upper() or "OUVERT"
            if state not in OPEN_STATES:
                continue  # closed establishments are not part of the batch
            batch.total_rows += 1
            uai = reference(record)
            day = parse_date(record.get("date_maj_ligne"))
            if day:
                dates.append(day)
            try:
                layers = layers_for(record)
                lat, lon = position(record)
            except ValueError as exc:
                batch.reject(line, f"valeur invalide : {exc}", uai, key=uai or None)
                continue
            if not layers:
                continue  # EREA, services and other kinds the platform does not show
            code = commune_code(record.get("code_commune"))
            commune = communes.get(code)
            if commune is None:
                batch.reject(
                    line,
                    f"code commune inconnu dans les départements chargés : {code!r}",
                    uai,
                    key=uai or None,
                )
                continue
            precision = fold(clean(record.get("precision_localisation")))
            quality = (
                PositionQuality.APPROXIMATE
                if precision.startswith(COMMUNE_LEVEL_PRECISION)
                else PositionQuality.EXACT
            )
            attributes = {k: clean(record.get(k)) for k in ATTRIBUTES if clean(record.get(k))}
            if state != "OUVERT":
                attributes["fermeture_annoncee"] = True
            address = ", ".join(
                filter(None, (clean(record.get("adresse_1")), clean(record.get("adresse_2"))))
            )
            for layer in layers:
                batch.add_place(
                    line, layer=layer, ref=uai, name=clean(record.get("nom_etablissement")), commune=commune,
                    lat=lat, lon=lon, address=address, postcode=clean(record.get("code_postal"))[:5],
                    phone=phone_number(record.get("telephone")), email=email_address(record.get("mail")),
                    website=website_url(record.get("web")), quality=quality, attributes=attributes,
                )  # fmt: skip
    batch.checksum = combined_checksum(paths)
    batch.data_date = max(dates) if dates else None
    batch.vintage = f"Annuaire du {french_date(batch.data_date)}" if batch.data_date else ""
    return batch


publish = publish_preferred
