"""The public privacy page says what is processed, why, for how long, and how to exercise one's rights."""

import pytest

from osez.cache import bump_data_generation

pytestmark = pytest.mark.django_db


def test_privacy_page_lists_processing_purposes_retention_and_rights(client, settings):
    settings.OSEZ_RETENTION_REQUEST_MONTHS = 7
    settings.OSEZ_RETENTION_CLOSED_MONTHS = 25
    settings.OSEZ_RETENTION_CV_MONTHS = 23
    bump_data_generation("new retention settings")  # the page is cached; a new generation renders it again
    response = client.get("/confidentialite/")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Demander un accompagnement",
        "recherche d'emploi du conjoint",
        "Combien de temps",
        "Vos droits",
    ):
        assert heading in html or heading.replace("'", "&#x27;") in html, heading
    # The delays shown are the ones the nightly job applies.
    assert "7 mois après son envoi" in html
    assert "25 mois après le dernier contact" in html
    assert "23 mois après le dernier contact" in html
    assert f"mailto:{settings.OSEZ_ADVISORS_EMAIL}" in html
    assert "CNIL" in html
    assert "<script>" not in html and 'style="' not in html
