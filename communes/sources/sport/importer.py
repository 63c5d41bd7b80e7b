"""Reads the Data ES files of the raw cache: sports facilities filed by family (football, tennis…)."""

from communes.catalog import sport_families

from ..base import Batch, commune_index, json_records, publish_preferred, to_float
from .client import raw_file

REQUIRED = ["equip_numero", "equip_nom", "equip_type_name", "new_code", "coordonnees"]


def layer_for(record):
    for field_name, fragment, layer in sport_families():
        value = record.get(field_name)
        text = " ".join(map(str, value)) if isinstance(value, list) else str(value or "")
        if fragment in text.lower():
            return layer
    return "sport-autres"


def read(departements, progress=None):
    batch = Batch(departements=tuple(departements))
    communes = commune_index(departements)
    for _dep, line, record in json_records(departements, raw_file, REQUIRED, batch, progress):
        batch.total_rows += 1
        ref = str(record.get("equip_numero") or "").strip()
        coords = record.get("coordonnees") or {}
        try:
            lat, lon = to_float(coords.get("lat")), to_float(coords.get("lon"))
        except (ValueError, AttributeError, TypeError):
            batch.reject(line, f"coordonnées invalides : {coords!r}", ref)
            continue
        code = str(record.get("new_code") or "").strip()
        commune = communes.get(code)
        if commune is None:
            batch.reject(line, f"code commune inconnu dans les départements chargés : {code!r}", ref)
            continue
        activities = record.get("equip_aps_nom") or []
        attributes = {
            "type": record.get("equip_type_name"),
            "famille": record.get("equip_type_famille"),
            "activites": activities if isinstance(activities, list) else [str(activities)],
            "installation": record.get("inst_numero"),
            "installation_nom": record.get("inst_nom"),
        }
        batch.add_place(
            line, layer=layer_for(record), ref=ref, name=record.get("equip_nom") or record.get("equip_type_name"),
            commune=commune, lat=lat, lon=lon, address=record.get("inst_adresse") or "",
            postcode=str(record.get("inst_cp") or ""), attributes={k: v for k, v in attributes.items() if v},
        )  # fmt: skip
    return batch


publish = publish_preferred
