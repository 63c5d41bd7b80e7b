"""Territory kits: the communes within the commute, what the open data say about them ("pas de données"
where nothing is published), the employer's name and the service's contact; a private, unindexed page
and a PDF; odd input refused in words."""

import pytest
from django.urls import reverse

from communes.enums import Theme
from employeurs import kit as content
from employeurs.models import TerritoryKit
from tests.factories import (
    CommuneFactory,
    CommuneIndicatorFactory,
    IndicatorFactory,
    LayerFactory,
    PlaceFactory,
)
from tests.helpers import page_text

from .factories import EmployerAccountFactory, TerritoryKitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    """A workplace, a commune 10 km away, one 25 km away, one 60 km away (Troyes' latitude)."""
    work = CommuneFactory(code_insee="10387", name="Troyes", latitude=48.2973, longitude=4.0744)
    near = CommuneFactory(name="Prèsville fictive", latitude=48.2973 + 10 / 111.2, longitude=4.0744)
    mid = CommuneFactory(name="Moyenville fictive", latitude=48.2973 - 25 / 111.2, longitude=4.0744)
    far = CommuneFactory(name="Loinville fictive", latitude=48.2973 + 60 / 111.2, longitude=4.0744)
    return work, near, mid, far


def test_the_kit_lists_the_communes_within_the_commute_nearest_first(area):
    work = area[0]
    kit = TerritoryKitFactory(workplace=work, commute_km=30)
    described = content.describe(kit)
    names = [c.name for c in described.communes]
    assert names == ["Troyes", "Prèsville fictive", "Moyenville fictive"]
    assert [round(c.distance_km) for c in described.communes] == [0, 10, 25]
    assert "Loinville fictive" not in names
    shorter = content.describe(TerritoryKitFactory(workplace=work, commute_km=15))
    assert [c.name for c in shorter.communes] == ["Troyes", "Prèsville fictive"]


def test_places_and_figures_of_the_area_and_pas_de_donnees_where_none(area):
    work, near, _mid, far = area
    schools = LayerFactory(slug="ecoles-du-kit-fictives", name="Écoles élémentaires", theme=Theme.ECOLE)
    PlaceFactory(layer=schools, commune=near)
    PlaceFactory(layer=schools, commune=work)
    PlaceFactory(layer=schools, commune=far)  # outside the commute: not counted
    houses = IndicatorFactory(slug="dvf-prix-m2-maisons", name="Prix médian des maisons")
    CommuneIndicatorFactory(commune=work, indicator=houses, value=1850, vintage="DVF 2023–2025")
    CommuneIndicatorFactory(commune=near, indicator=houses, value=1400, vintage="DVF 2023–2025")
    kit = TerritoryKitFactory(workplace=work, commute_km=20, organisation__name="Clinique fictive")
    described = content.describe(kit)
    themes = dict(described.themes)
    assert themes["Écoles, collèges et lycées"] == [("Écoles élémentaires", 2)]
    assert themes["Santé"] == []
    text = page_text(TerritoryKitPage.get(kit))
    assert "Écoles élémentaires : 2" in text
    assert "de 1400 à 1850 selon la commune" in text
    assert "Clinique fictive recrute" in text
    assert text.count("Pas de données.") == 3  # childcare, health, sports: nothing published here
    assert "Internet ≥ 100 Mbit/s (% des locaux) : pas de données" in text


class TerritoryKitPage:
    client = None

    @classmethod
    def get(cls, kit):
        from django.test import Client

        return Client().get(reverse("employeurs:kit", args=[kit.token]))


def test_the_shared_page_is_private_unindexed_and_names_the_service(client, area, settings):
    settings.OSEZ_SERVICE_EMAIL = "accueil-kit@osez.localhost"
    kit = TerritoryKitFactory(workplace=area[0])
    response = client.get(reverse("employeurs:kit", args=[kit.token]))
    assert response.status_code == 200
    assert "noindex" in response["X-Robots-Tag"] and "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    page = page_text(response)
    assert '<meta name="robots" content="noindex, nofollow">' in page
    help_section = page.split("Pour vous aider à vous installer", 1)[1]
    assert "Courriel : accueil-kit@osez.localhost" in help_section


def test_a_wrong_token_is_a_404(client):
    assert client.get(reverse("employeurs:kit", args=["pas-un-jeton"])).status_code == 404
    assert client.get(reverse("employeurs:kit-pdf", args=["pas-un-jeton"])).status_code == 404


def test_the_pdf_is_a_pdf_to_download(client, area):
    kit = TerritoryKitFactory(workplace=area[0])
    response = client.get(reverse("employeurs:kit-pdf", args=[kit.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_an_employer_builds_a_kit_from_the_form(client, area):
    account = EmployerAccountFactory()
    client.force_login(account.user)
    response = client.post(
        reverse("employeurs:kit-create"),
        {"job_title": "Infirmier de bloc", "workplace": "troyes", "commute_km": "30"},
    )
    kit = TerritoryKit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "employeurs:kit-detail", args=[kit.pk]
    )
    assert (kit.organisation, kit.workplace.code_insee, kit.commute_km) == (account.organisation, "10387", 30)
    assert len(kit.token) >= 40


@pytest.mark.parametrize(
    ("workplace", "km", "message"),
    [
        ("Atlantis", "20", "Nous ne trouvons pas la commune « Atlantis » dans le territoire"),
        ("99999", "20", "Nous ne trouvons pas la commune « 99999 »"),
        ("troyes", "400", "Choisissez un trajet entre 5 et 50 km"),
        ("troyes", "-3", "Choisissez un trajet entre 5 et 50 km"),
        ("troyes", "vingt", "Indiquez un nombre de kilomètres"),
        ("fictive", "20", "Plusieurs communes correspondent"),
    ],
)
def test_odd_kit_input_gets_a_clear_message_and_stores_nothing(client, area, workplace, km, message):
    account = EmployerAccountFactory()
    client.force_login(account.user)
    response = client.post(
        reverse("employeurs:kit-create"), {"job_title": "Poste", "workplace": workplace, "commute_km": km}
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert not TerritoryKit.objects.exists()
