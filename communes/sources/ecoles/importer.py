"""Reads the Annuaire de l'éducation files of the raw cache: écoles, collèges and lycées as places."""

from communes.text import fold

from ..base import Batch, commune_index, json_records, publish_preferred, to_float
from .client import raw_file

REQUIRED = [
    "identifiant_de_l_etablissement", "nom_etablissement", "type_etablissement", "code_commune",
    "latitude", "longitude", "ecole_maternelle", "ecole_elementaire",
]  # fmt: skip
ATTRIBUTES = ["type_etablissement", "libelle_nature", "statut_public_prive", "telephone", "web", "mail",
              "nombre_d_eleves"]  # fmt: skip


def _flag(value):
    if value in (None, "", 0, "0", False, "false", "False", "non"):
        return False
    if value in (1, "1", True, "true", "True", "oui"):
        return True
    raise ValueError(value)


def layers_for(record):
    """The layers a record feeds: an école with both levels (primaire) feeds both school layers."""
    kind = fold(str(record.get("type_etablissement") or ""))
    if kind.startswith("ecole"):
        layers = []
        if _flag(record.get("ecole_maternelle")):
            layers.append("ecoles-maternelles")
        if _flag(record.get("ecole_elementaire")):
            layers.append("ecoles-elementaires")
        if not layers:
            raise ValueError("école sans niveau maternelle ni élémentaire")
        return layers
    if kind.startswith("college"):
        return ["colleges"]
    if kind.startswith("lycee"):
        return ["lycees"]
    return []


def read(departements, progress=None):
    batch = Batch(departements=tuple(departements))
    communes = commune_index(departements)
    for _dep, line, record in json_records(departements, raw_file, REQUIRED, batch, progress):
        if str(record.get("etat") or "OUVERT").upper() != "OUVERT":
            continue  # closed establishments are not part of the batch
        batch.total_rows += 1
        uai = str(record.get("identifiant_de_l_etablissement") or "").strip().upper()
        try:
            layers = layers_for(record)
            lat, lon = to_float(record.get("latitude")), to_float(record.get("longitude"))
        except ValueError as exc:
            batch.reject(line, f"valeur invalide : {exc}", uai)
            continue
        if not layers:
            continue  # EREA and other kinds the platform does not show
        code = str(record.get("code_commune") or "").strip()
        commune = communes.get(code)
        if commune is None:
            batch.reject(line, f"code commune inconnu dans les départements chargés : {code!r}", uai)
            continue
        attributes = {k: record.get(k) for k in ATTRIBUTES if record.get(k) not in (None, "")}
        for layer in layers:
            batch.add_place(
                line, layer=layer, ref=uai, name=record.get("nom_etablissement"), commune=commune, lat=lat,
                lon=lon, address=record.get("adresse_1") or "", postcode=str(record.get("code_postal") or ""),
                attributes=attributes,
            )  # fmt: skip
    return batch


publish = publish_preferred
