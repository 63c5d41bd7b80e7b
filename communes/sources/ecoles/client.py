"""Downloads the Annuaire de l'éducation of each département (Opendatasoft bulk export) into the raw cache."""

from django.conf import settings

from ..base import download, http_client, raw_dir

DATASET = "/api/explore/v2.1/catalog/datasets/fr-en-annuaire-education/exports/json"


def raw_file(dep):
    return raw_dir("ecoles") / f"annuaire-education-{dep}.json"


def fetch(departements, client=None):
    base = settings.OSEZ_SOURCE_URLS["ecoles"].rstrip("/")
    changed = 0
    with client or http_client() as http:
        for dep in departements:
            # The Annuaire writes département codes on three characters ('010', '02A', '971').
            where = f"code_departement='{dep.zfill(3)}' and etat='OUVERT'"
            changed += download(
                base + DATASET, raw_file(dep), params={"where": where}, client=http, expect_json=True
            )
    return changed
