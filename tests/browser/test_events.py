"""Browser journeys of issue 17: sign up to an event → staff check-in → a dossier opened from the attendee;
and a visitor from a campaign link → request form → the dossier shows the campaign. axe-core checks the
new public pages at 1280 px and 360 px."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accompagnement.models import Household
from evenements.models import Event, Registration
from tests.factories import UserFactory

from .tools import serious_violations

pytestmark = [pytest.mark.browser]

PASSWORD = "un mot de passe solide 2026"


def _event(**fields):
    starts = timezone.now() + datetime.timedelta(days=5)
    values = {
        "title_fr": "Soirée d'accueil des nouveaux habitants (fictive)",
        "status": "publie",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "place_name": "Salle des fêtes (fictive)",
        "capacity": 2,
        "audience_fr": "Familles arrivées depuis moins d'un an",
        "description_fr": "Rencontre avec l'équipe d'accueil (événement fictif).",
    }
    values.update(fields)
    return Event.objects.create(**values)


def _no_serious_violation(page, url):
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.wait_for_load_state("load")
        problems = serious_violations(page)
        assert not problems, f"{url} at {width} px:\n" + "\n".join(problems)
    page.set_viewport_size({"width": 1280, "height": 900})


def _staff_login(page, username, next_url):
    page.goto(f"{page.base}/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url(f"**{next_url}")


def test_sign_up_then_check_in_then_dossier(page, site, settings):
    settings.OSEZ_BASE_URL = page.base
    event = _event()
    _no_serious_violation(page, page.base + "/evenements/")
    _no_serious_violation(page, page.base + event.get_absolute_url())

    page.goto(page.base + "/evenements/")
    page.get_by_role("link", name="Soirée d'accueil des nouveaux habitants (fictive)").click()
    page.get_by_label("Prénom et nom").fill("Camille Exemple")
    page.get_by_label("Adresse électronique").fill("camille-at-exemple.fr")
    page.get_by_label("Nombre de personnes (vous compris)").fill("2")
    page.get_by_label("J'accepte que le service d'accueil").check()
    page.get_by_role("button", name="Je m'inscris").click()
    # Refused in words by the field; what was typed stays; nothing stored.
    assert "doit ressembler à nom@exemple.fr" in page.locator("#id_email_error").inner_text()
    assert page.get_by_label("Prénom et nom").input_value() == "Camille Exemple"
    assert not Registration.objects.exists()
    assert not serious_violations(page)
    page.get_by_label("Adresse électronique").fill("camille@exemple.fr")
    page.get_by_role("button", name="Je m'inscris").click()
    expect(page.get_by_text("Votre inscription est confirmée.")).to_be_visible()
    registration = Registration.objects.get()
    assert registration.status == "inscrit" and registration.party_size == 2

    # The event is now full: the page says so and the next person waits.
    page.goto(page.base + event.get_absolute_url())
    expect(page.get_by_text("L'événement est complet")).to_be_visible()

    UserFactory(username="conseil-evenement", roles=["installation advisor"])
    check_in = f"/admin/evenements/{event.pk}/emargement/"
    _staff_login(page, "conseil-evenement", check_in)
    page.set_viewport_size({"width": 360, "height": 800})  # at the door, on a phone
    page.get_by_role("button", name="Pointer Camille Exemple").click()
    expect(
        page.get_by_role("button", name="Camille Exemple : présent·e, annuler le pointage")
    ).to_be_visible()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{page.base}/admin/evenements/{event.pk}/inscrits/")
    page.get_by_role("button", name="Ouvrir un dossier").click()
    household = Household.objects.get()
    page.wait_for_url(f"**{household.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(household.reference)
    timeline = page.locator("body").inner_text()
    assert "Présent·e à l'événement" in timeline and "Inscription à un événement" in timeline
    assert household.adults.get().email == "camille@exemple.fr"


def test_campaign_link_to_request_to_dossier(page, site):
    page.goto(
        page.base
        + "/communes/10081-la-chapelle-saint-luc/?utm_source=linkedin&utm_medium=social&utm_campaign=Printemps%202027"
    )
    # The landing page is the shared cached page: no cookie was set for the campaign.
    assert not [c for c in page.context.cookies() if c["name"] not in ("csrftoken",)]
    page.goto(page.base + "/fiches/")  # the family looks around before asking
    page.get_by_role("link", name="Être accompagné").click()
    page.wait_for_url("**/demande/**")
    assert page.locator("input[name=campaign_source]").input_value() == "linkedin"
    page.get_by_label("Prénom").fill("Dominique")
    page.get_by_label("Nom", exact=True).fill("Exemple")
    page.get_by_label("Adresse électronique").fill("dominique@exemple.fr")
    page.get_by_label("Vous habitez actuellement à").fill("Lille")
    page.get_by_label("Logement").check()
    page.get_by_label("Dans 3 à 6 mois").check()
    page.get_by_label("Par courriel").check()
    page.get_by_label("J'accepte que l'équipe d'accueil").check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/demande/envoyee/**")

    household = Household.objects.get()
    assert (household.campaign_source, household.campaign_medium, household.campaign_name) == (
        "linkedin",
        "social",
        "printemps-2027",
    )
    UserFactory(username="responsable-campagne", roles=["team lead"])
    _staff_login(page, "responsable-campagne", household.get_absolute_url())
    expect(page.locator("dd.campaign")).to_contain_text("printemps-2027")
    expect(page.locator("dd.campaign")).to_contain_text("linkedin")


def test_an_english_visitor_from_a_campaign_link_to_request_to_dossier(page, site):
    """Issue 17's third journey: an international recruit lands on an English page from a campaign link,
    looks around, asks for support in English; the dossier shows the campaign and speaks English."""
    page.goto(
        page.base
        + "/en/communes/10081-la-chapelle-saint-luc/?utm_source=linkedin&utm_medium=social&utm_campaign=Recruits%202027"
    )
    assert page.locator("html").get_attribute("lang") == "en"
    assert not [c for c in page.context.cookies() if c["name"] not in ("csrftoken",)]
    page.goto(page.base + "/en/fiches/")
    page.get_by_role("link", name="Get support").click()
    page.wait_for_url("**/en/demande/**")
    assert page.locator("input[name=campaign_source]").input_value() == "linkedin"
    page.get_by_label("First name").fill("Alex")
    page.get_by_label("Last name", exact=True).fill("Example")
    page.get_by_label("Email address").fill("alex@example.org")
    page.get_by_label("You currently live in").fill("Manchester")
    page.get_by_label("Housing").check()
    page.get_by_label("In 3 to 6 months").check()
    page.get_by_label("By email").check()
    page.get_by_label("I agree that the welcome team").check()
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/en/demande/envoyee/**")
    expect(page.locator("h1")).to_contain_text("Your request has been sent")

    household = Household.objects.get()
    assert (household.campaign_source, household.campaign_medium, household.campaign_name) == (
        "linkedin",
        "social",
        "recruits-2027",
    )
    assert household.language == "en"
    UserFactory(username="responsable-campagne-en", roles=["team lead"])
    _staff_login(page, "responsable-campagne-en", household.get_absolute_url())
    expect(page.locator("dd.campaign")).to_contain_text("recruits-2027")
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_english_sign_up_with_an_error_then_confirmed(page, site, settings):
    """The English event pages pass axe-core too, and a person reads English from the error to the e-mail."""
    settings.OSEZ_BASE_URL = page.base
    event = _event(
        title_en="Welcome evening for new residents (fictional)", audience_en="Families (fictional)"
    )
    english_path = "/en" + event.get_absolute_url()
    _no_serious_violation(page, page.base + "/en/evenements/")
    _no_serious_violation(page, page.base + english_path)

    page.goto(page.base + "/en/evenements/")
    page.get_by_role("link", name="Welcome evening for new residents (fictional)").click()
    page.get_by_label("First and last name").fill("Camille Exemple")
    page.get_by_label("Email address").fill("camille@exemple.fr")
    page.get_by_label("Number of people (including you)").fill("11")
    page.get_by_label("I agree that the welcome service").check()
    page.get_by_role("button", name="Register me").click()
    assert "For more than 10 people, write to us" in page.locator("#id_party_size_error").inner_text()
    assert not Registration.objects.exists()
    assert not serious_violations(page)
    page.get_by_label("Number of people (including you)").fill("1")
    page.get_by_role("button", name="Register me").click()
    expect(page.get_by_text("Your registration is confirmed.")).to_be_visible()
    assert not serious_violations(page)
    assert Registration.objects.get().language == "en"
