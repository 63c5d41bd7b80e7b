"""Other apps show what they know about a household in its dossier through registered panels."""

import pytest
from django.urls import reverse

from accompagnement import panels
from tests.factories import UserFactory

from .factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel_registry(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", [])
    return panels


def test_a_registered_panel_appears_in_the_dossier_and_can_hide_itself(
    client, panel_registry, tmp_path, settings
):
    (tmp_path / "panel.html").write_text("<section>Recherche d'emploi : {{ panel.stage }}</section>")
    # Assign a new list (not the dict in place) so that Django's setting_changed resets the template engines.
    first = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**first, "DIRS": [*first["DIRS"], str(tmp_path)]}, *settings.TEMPLATES[1:]]
    advisor = UserFactory(roles=["installation advisor"])
    shown = HouseholdFactory(advisor=advisor)
    hidden = HouseholdFactory(advisor=advisor)
    panel_registry.register_dossier_panel(
        "test-stage",
        "panel.html",
        lambda request, household: None if household == hidden else {"stage": "En poste"},
    )
    client.force_login(advisor)

    page = client.get(reverse("accompagnement:dossier", args=[shown.pk])).content.decode()
    assert "Recherche d'emploi : En poste" in page
    page = client.get(reverse("accompagnement:dossier", args=[hidden.pk])).content.decode()
    assert "Recherche d'emploi" not in page


def test_registering_a_key_again_replaces_the_panel(panel_registry):
    panel_registry.register_dossier_panel("k", "a.html", lambda r, h: {})
    panel_registry.register_dossier_panel("k", "b.html", lambda r, h: {})
    assert [t for t, _ in panel_registry.dossier_panels(None, None)] == ["b.html"]
