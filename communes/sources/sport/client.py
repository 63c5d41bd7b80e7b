"""Downloads Data ES into the raw cache: today's split datasets, or the old single dataset as a fallback.

Since 25 August 2026 the ministry serves equipments, installations and activities as separate,
joinable datasets (the old ``data-es`` query answers 400). Per département:

- installations: ``data-es-installation-dcf`` where ``dep_code_filled`` is the département (zero-padded,
  unlike ``dep_code``);
- equipments: ``data-es-equipement-dcf`` whose ``installation_numero`` (``I`` + the code INSEE of the
  installation's commune + a number) starts with ``I<dep>``;
- activities: the national ``data-es-activite`` export (it has no département field known), split
  here into one file per département by equipment number.

Every export is checked against the ``total_count`` the API announces for the same filter. The
equipments are asked for with an explicit field list, so the declarants' name, e-mail and phone
(``declarant_*``) never even reach the cache. When the split datasets cannot be found (400/404), the
old single dataset is tried.
"""

import json
import os
import tempfile

from django.conf import settings

from ..download import http_client, ods_export, raw_dir
from ..errors import NetworkError, SourceError
from ..files import load_json_records
from ..probes import probe_ods
from .importer import joined_file, split_files

EQUIPMENTS = ("data-es-equipement-dcf", "data-es-equipement")
INSTALLATIONS = ("data-es-installation-dcf", "data-es-installation")
# Only "data-es-activite" is known from client code; a "-dcf" name like the other two is tried first.
ACTIVITIES = ("data-es-activite-dcf", "data-es-activite")
OLD = "data-es"
EQUIPMENT_FIELDS = ("installation_numero,numero,nom,type,famille,coordonnees,nature,acces_libre,website,"
                    "mise_en_service_date")  # fmt: skip
INSTALLATION_FIELDS = "numero,nom,adresse,cp,commune,insee,dep_code_filled,dep_nom,uai"
ACTIVITY_FIELDS = "equip_numero,aps_name"
MISSING_DATASET = (400, 404)


def raw_file(dep):
    """The old joined file (kept for callers of the first version)."""
    return joined_file(dep)


def _base():
    return settings.OSEZ_SOURCE_URLS["sport"]


def _export_first(http, datasets, dest, **query):
    """Export the first of ``datasets`` that exists (a renamed dataset answers 400 or 404)."""
    last = None
    for dataset in datasets:
        try:
            return ods_export(http, _base(), dataset, dest, **query)
        except NetworkError as exc:
            if getattr(exc, "status", None) not in MISSING_DATASET:
                raise
            last = exc
    raise last


def _write_json(dest, records):
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(records, out, ensure_ascii=False)
    os.replace(tmp, dest)


def fetch_split(http, departements):
    changed = 0
    for dep in departements:
        files = split_files(dep)
        changed += _export_first(
            http,
            INSTALLATIONS,
            files["installations"],
            where=f'dep_code_filled="{dep}"',
            select=INSTALLATION_FIELDS,
        )
        changed += _export_first(
            http, EQUIPMENTS, files["equipements"], where=f'startswith(installation_numero, "I{dep}")',
            select=EQUIPMENT_FIELDS,
        )  # fmt: skip
    national = raw_dir("sport") / "data-es-activites.json"
    try:
        changed += _export_first(http, ACTIVITIES, national, select=ACTIVITY_FIELDS)
    except NetworkError as exc:
        if getattr(exc, "status", None) != 400:
            raise
        changed += _export_first(http, ACTIVITIES, national)  # a field was renamed: take every field
    activities = load_json_records(national)
    for dep in departements:
        files = split_files(dep)
        numbers = {
            str(r.get("numero")) for r in load_json_records(files["equipements"]) if isinstance(r, dict)
        }
        _write_json(files["activites"], [a for a in activities if str(a.get("equip_numero")) in numbers])
    return changed


def fetch_old(http, departements):
    changed = 0
    for dep in departements:
        changed += ods_export(http, _base(), OLD, joined_file(dep), refine=f'dep_code_filled:"{dep}"')
    return changed


def fetch(departements, client=None):
    with client or http_client() as http:
        try:
            return fetch_split(http, departements)
        except NetworkError as exc:
            if getattr(exc, "status", None) not in MISSING_DATASET:
                raise
            try:
                return fetch_old(http, departements)
            except SourceError as old_exc:
                raise NetworkError(f"{exc} — et l'ancien jeu « {OLD} » : {old_exc}") from old_exc


def probe(http, dep):
    base = _base()
    return [
        probe_ods(
            http, "equipements", base, EQUIPMENTS[0], where=f'startswith(installation_numero, "I{dep}")'
        ),
        probe_ods(http, "installations", base, INSTALLATIONS[0], where=f'dep_code_filled="{dep}"'),
        probe_ods(http, "activites", base, ACTIVITIES[-1]),
    ]
