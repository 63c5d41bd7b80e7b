"""Reads the Annuaire de l'éducation files of the raw cache: écoles, collèges and lycées as places."""

from communes.catalog import PREFERRED_SOURCE
from communes.text import fold

from ..base import (
    Batch,
    MissingRawFile,
    combined_checksum,
    commune_index,
    load_json_records,
    publish_places,
    require_columns,
    supersede_bpe,
    to_float,
)
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
    paths = []
    for dep in departements:
        path = raw_file(dep)
        if not path.exists():
            raise MissingRawFile(f"fichier absent du cache : {path}")
        paths.append(path)
        records = load_json_records(path)
        if records:
            require_columns(
                set().union(*(r.keys() for r in records if isinstance(r, dict))), REQUIRED, path.name
            )
        for line, record in enumerate(records, start=1):
            if progress:
                progress(1)
            if not isinstance(record, dict):
                batch.total_rows += 1
                batch.reject(line, "enregistrement qui n'est pas un objet JSON")
                continue
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
    batch.checksum = combined_checksum(paths)
    return batch


def publish(source, batch, *, force=False, progress=None):
    layers = [layer for layer, preferred in PREFERRED_SOURCE.items() if preferred == source.slug]

    def supersede(result):
        result.superseded = supersede_bpe(layers, batch.departements)

    return publish_places(source, batch, force=force, progress=progress, also=supersede)
