"""The staff pages: attendees, check-in at the door, a dossier for an attendee, each event's figures."""

import pytest
from django.urls import reverse

from accompagnement import services as intake
from accompagnement.models import Adult, Household
from evenements.models import Registration
from tests.helpers import page_text as text

from .conftest import register

pytestmark = pytest.mark.django_db


def test_the_attendee_list_shows_people_and_who_already_has_a_dossier(client, event, advisor):
    known = Household.objects.create(email="Connue@Exemple.fr", advisor=advisor)
    register(event, "connue@exemple.fr", name="Claude Connue")
    register(event, "nouvelle@exemple.fr", name="Dominique Nouvelle", status="attente")
    client.force_login(advisor)
    page = text(client.get(reverse("evenements_staff:attendees", args=[event.pk])))
    assert "Claude Connue" in page and "Dominique Nouvelle" in page
    assert f"Lier à {known.reference}" in page  # found by e-mail, whatever its case
    assert "Ouvrir un dossier" in page
    assert "1 en liste d'attente" in page


def test_check_in_is_one_tap_and_works_without_javascript(client, event, advisor):
    person = register(event, "camille@exemple.fr", name="Camille Exemple")
    client.force_login(advisor)
    url = reverse("evenements_staff:check-in", args=[event.pk])
    page = text(client.get(url))
    assert "Camille Exemple" in page and "0 présent·e(s) sur 1" in page
    assert f'name="toggle" value="{person.pk}:1"' in page  # a plain form button: no JavaScript needed
    response = client.post(url, {"toggle": f"{person.pk}:1"})
    assert response.status_code == 302 and response["Location"].endswith(f"#r{person.pk}")
    person.refresh_from_db()
    assert person.checked_in_at is not None and person.checked_in_by == advisor
    assert "1 présent·e(s) sur 1" in text(client.get(url))
    client.post(url, {"toggle": f"{person.pk}:0"})  # a wrong tap is undone
    person.refresh_from_db()
    assert person.checked_in_at is None


def test_check_in_refuses_someone_from_another_event_or_the_waiting_list(client, event, advisor):
    waiting = register(event, "attente@exemple.fr", status="attente")
    client.force_login(advisor)
    url = reverse("evenements_staff:check-in", args=[event.pk])
    assert client.post(url, {"toggle": f"{waiting.pk}:1"}).status_code == 404
    assert client.post(url, {"toggle": "abc:1"}).status_code == 404
    assert client.post(url, {}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.checked_in_at is None


def test_an_attendee_becomes_a_dossier_in_one_step_and_its_timeline_shows_the_event(client, event, advisor):
    person = register(event, "camille@exemple.fr", name="Camille Martin-Roy", phone="06 11 22 33 44")
    client.force_login(advisor)
    url = reverse("evenements_staff:dossier", args=[event.pk, person.pk])
    response = client.post(url)
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    assert household.advisor == advisor and household.channel == "evenement"
    assert household.intake_channel == "evenement" and household.referral == f"evenement-{event.pk}"
    adult = household.adults.get()
    assert (adult.first_name, adult.last_name, adult.email) == ("Camille", "Martin-Roy", "camille@exemple.fr")
    person.refresh_from_db()
    assert person.household == household
    client.post(url)  # a second click: the same dossier, not a second one
    assert Household.objects.count() == 1
    page = text(client.get(household.get_absolute_url()))
    assert "Inscription à un événement" in page and "Soirée d'accueil (fictive)" in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_dossier_of_an_attendee_speaks_the_language_they_signed_up_in(client, event, advisor, language):
    # The family space and every e-mail to the family follow the dossier's language.
    person = register(event, "alex@example.org", name="Alex Example", language=language)
    client.force_login(advisor)
    client.post(reverse("evenements_staff:dossier", args=[event.pk, person.pk]))
    assert Household.objects.get().language == language


def test_an_attendee_is_linked_to_the_existing_dossier_found_by_name(client, event, advisor):
    household, _created = intake.open_from_intake(
        {"intake_key": "5a3f1f4e-0000-4000-8000-000000000001", "intake_channel": "telephone",
         "first_name": "Camille", "last_name": "Martin", "advisor": advisor},
        by=advisor, consent_text_version="1",
    )  # fmt: skip
    person = register(event, "autre-adresse@exemple.fr", name="camille MARTIN")
    client.force_login(advisor)
    url = reverse("evenements_staff:dossier", args=[event.pk, person.pk])
    page = text(client.get(url))
    assert household.reference in page and "Lier à ce dossier" in page
    client.post(url, {"household": household.pk})
    person.refresh_from_db()
    assert person.household == household and Household.objects.count() == 1


def test_linking_to_a_colleague_dossier_is_refused(client, event, advisor, colleague):
    theirs = Household.objects.create(email="camille@exemple.fr", advisor=colleague)
    Adult.objects.create(household=theirs, first_name="Camille", last_name="Exemple")
    person = register(event, "camille@exemple.fr")
    client.force_login(advisor)
    url = reverse("evenements_staff:dossier", args=[event.pk, person.pk])
    assert "suivi par un·e collègue" in text(client.get(url))
    assert client.post(url, {"household": theirs.pk}).status_code == 403
    person.refresh_from_db()
    assert person.household is None


def test_figures_follow_the_five_rule(client, event, marketing, advisor):
    for n in range(6):
        register(event, f"p{n}@exemple.fr", checked_in_at=event.starts_at if n < 3 else None)
    register(event, "attente@exemple.fr", status="attente")
    client.force_login(marketing)
    page = text(client.get(reverse("evenements_staff:figures", args=[event.pk])))
    assert "Camille" not in page  # no names on a figures page
    rows = {
        "Inscriptions confirmées": "6",
        "En liste d'attente": "< 5",
        "Inscriptions présentes (pointées)": "< 5",
    }
    for label, value in rows.items():
        assert f'<th scope="row">{label}</th><td>{value}</td>' in page
    assert "non publié (trop peu de personnes)" in page


def test_figures_count_the_requests_and_arrivals_that_followed(event, advisor):
    from accompagnement.enums import Stage
    from evenements import figures

    for n in range(6):
        household = Household.objects.create(email=f"f{n}@exemple.fr", referral=f"evenement-{event.pk}")
        if n < 5:
            Household.objects.filter(pk=household.pk).update(
                stage=Stage.ARRIVED, arrival_date=event.starts_at.date()
            )
    linked = Household.objects.create(email="lien@exemple.fr")
    register(event, "lien@exemple.fr", household=linked)
    Household.objects.create(email="autre@exemple.fr", referral="evenement-99999")  # another event
    data = figures.compute(event)
    assert data["requests"] == 7 and data["arrivals"] == 5


def test_the_events_page_lists_events_with_their_counts(client, event, advisor):
    register(event, "a@exemple.fr", party_size=3)
    client.force_login(advisor)
    page = text(client.get(reverse("evenements_staff:events")))
    assert "Soirée d'accueil (fictive)" in page and "1 (3 / 10)" in page


def test_the_staff_home_links_to_the_events(client, advisor):
    client.force_login(advisor)
    page = text(client.get(reverse("admin:index")))
    assert reverse("evenements_staff:events") in page


def test_attendee_pages_are_refused_to_marketing_and_hr(client, event, marketing):
    client.force_login(marketing)
    for name in ("evenements_staff:attendees", "evenements_staff:check-in"):
        assert client.get(reverse(name, args=[event.pk])).status_code == 403
    assert Registration.objects.count() == 0


def test_an_anonymised_sign_up_cannot_become_a_dossier(client, event, advisor):
    from django.utils import timezone

    gone = register(event, "", name="", anonymised_at=timezone.now())
    client.force_login(advisor)
    response = client.post(reverse("evenements_staff:dossier", args=[event.pk, gone.pk]))
    assert response.status_code == 302 and not Household.objects.exists()
