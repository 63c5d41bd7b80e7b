"""Browser journey of issue 17: an employer builds a territory kit, refers a recruit, an advisor moves the
dossier's stage, and the employer sees the new stage. The employer's pages and the shared kit have no
serious or critical accessibility violation at 1280 px and 360 px (axe-core)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accompagnement.models import Household
from employeurs.models import TerritoryKit
from tests.browser.tools import serious_violations
from tests.emploi_conjoint.test_browser_journey import PASSWORD, chromium_page, in_own_thread
from tests.factories import CommuneFactory, UserFactory

from .factories import EmployerAccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _async_unsafe_allowed(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world():
    CommuneFactory(code_insee="10387", name="Troyes", latitude=48.2973, longitude=4.0744)
    CommuneFactory(code_insee="10081", name="La Chapelle-Saint-Luc", latitude=48.3125, longitude=4.0447)
    account = EmployerAccountFactory(
        organisation__name="Centre hospitalier fictif", user__username="recruteuse.fictive"
    )
    UserFactory(username="ines.conseil", roles=["installation advisor"])
    return {"account": account}


def accessible(page, where):
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        problems = serious_violations(page)
        assert not problems, f"{where} at {width} px:\n" + "\n".join(problems)
    page.set_viewport_size({"width": 1280, "height": 900})


def sign_in_as_employer(page, base_url):
    page.goto(f"{base_url}/employeur/")
    page.get_by_label("Nom d’utilisateur").fill("recruteuse.fictive")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Centre hospitalier fictif")


def employer_builds_a_kit_and_refers(page, base_url):
    sign_in_as_employer(page, base_url)
    accessible(page, "espace employeur")
    page.get_by_role("link", name="Préparer un kit territoire").first.click()
    page.get_by_label("Intitulé du poste").fill("Infirmier de bloc")
    page.get_by_label("Commune du lieu de travail").fill("Troyes")
    page.get_by_label("Trajet accepté (km)").fill("400")
    page.get_by_role("button", name="Créer le kit").click()
    expect(page.locator("#error-summary")).to_contain_text("Choisissez un trajet entre 5 et 50 km")
    accessible(page, "kit refusé")
    page.get_by_label("Trajet accepté (km)").fill("30")
    page.get_by_role("button", name="Créer le kit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kit territoire : Infirmier de bloc")
    share_url = page.get_by_label("Adresse à partager avec les candidat·es").input_value()
    assert "/employeur/kit/" in share_url
    accessible(page, "kit créé")
    page.goto(share_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vivre autour de Troyes")
    expect(page.locator("main")).to_contain_text("La Chapelle-Saint-Luc")
    expect(page.locator("main")).to_contain_text("Centre hospitalier fictif recrute")
    accessible(page, "kit territoire")
    page.goto(f"{base_url}/employeur/")

    page.get_by_role("link", name="J'accueille un salarié qui déménage").first.click()
    page.get_by_label("Prénom du ou de la salarié·e").fill("Alix")
    page.get_by_label("Nom", exact=True).fill("Fictive")
    page.get_by_label("Courriel").fill("alix.fictive@example.org")
    page.get_by_label("Nombre d'adultes dans la famille").fill("2")
    page.get_by_role("button", name="Envoyer au service d'accueil").click()
    expect(page.locator("#error-summary")).to_contain_text("Sans l'accord du ou de la salarié·e")
    accessible(page, "orientation refusée")
    page.get_by_label("Le ou la salarié·e accepte d'être contacté·e par le service d'accueil").check()
    page.get_by_label(
        "Il ou elle accepte que nous voyions l'étape de son installation (l'étape seulement)"
    ).check()
    page.get_by_role("button", name="Envoyer au service d'accueil").click()
    expect(page.locator(".messages")).to_contain_text("le service d'accueil a reçu votre orientation")
    expect(page.locator("tr", has_text="Alix Fictive")).to_contain_text("Nouvelle demande")


def advisor_moves_the_stage(page, base_url, dossier_url):
    page.goto(f"{base_url}/admin/accompagnement/")
    page.get_by_label("Nom d’utilisateur").fill("ines.conseil")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.goto(base_url + dossier_url)
    expect(
        page.locator("section", has=page.get_by_role("heading", name="Orienté par un employeur partenaire"))
    ).to_contain_text("Centre hospitalier fictif")
    page.get_by_role("button", name="Passer à « Premier contact »").click()


def employer_sees_the_new_stage(page, base_url):
    sign_in_as_employer(page, base_url)
    expect(page.locator("tr", has_text="Alix Fictive")).to_contain_text("Premier contact")


def test_employer_kit_referral_and_stage_journey(live_server, world):
    in_own_thread(lambda: _employer_first(live_server.url))
    assert TerritoryKit.objects.filter(commute_km=30).count() == 1
    household = Household.objects.get()
    in_own_thread(lambda: _advisor(live_server.url, reverse("accompagnement:dossier", args=[household.pk])))
    household.refresh_from_db()
    assert household.stage == "premier_contact"
    in_own_thread(lambda: _employer_again(live_server.url))


def _employer_first(base_url):
    with chromium_page() as page:
        employer_builds_a_kit_and_refers(page, base_url)


def _advisor(base_url, dossier_url):
    with chromium_page() as page:
        advisor_moves_the_stage(page, base_url, dossier_url)


def _employer_again(base_url):
    with chromium_page() as page:
        employer_sees_the_new_stage(page, base_url)
