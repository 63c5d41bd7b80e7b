"""Downloads the Annuaire de l'éducation of each département (Opendatasoft bulk export) into the raw cache."""

from django.conf import settings

from ..download import http_client, ods_export, raw_dir
from ..probes import probe_ods

DATASET = "fr-en-annuaire-education"


def raw_file(dep):
    return raw_dir("ecoles") / f"annuaire-education-{dep}.json"


def where(dep):
    # The Annuaire writes département codes on three characters ('010', '02A', '971'); establishments
    # whose closing is announced ("A FERMER") are still open this year.
    return f"code_departement='{dep.zfill(3)}' and (etat='OUVERT' or etat='A FERMER')"


def fetch(departements, client=None):
    base = settings.OSEZ_SOURCE_URLS["ecoles"]
    changed = 0
    with client or http_client() as http:
        for dep in departements:
            changed += ods_export(http, base, DATASET, raw_file(dep), where=where(dep))
    return changed


def probe(http, dep):
    return [probe_ods(http, "annuaire", settings.OSEZ_SOURCE_URLS["ecoles"], DATASET, where=where(dep))]
