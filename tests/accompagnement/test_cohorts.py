"""Group arrivals: a group's families imported from a CSV file (preview with rows set aside and why,
nothing stored until confirmed), the group's board, and its figures under the « < 5 » rule."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accompagnement import stages
from accompagnement.enums import IntakeChannel, Stage
from accompagnement.models import Cohort, Household
from tests.factories import UserFactory
from tests.helpers import page_text
from tests.partenaires.factories import OrganisationFactory

from .factories import HouseholdFactory

pytestmark = pytest.mark.django_db

GOOD_AND_BAD = (
    "nom;prenom;courriel;telephone;adultes;enfants;arrivee;vient_de\n"
    "Exemple;Alex;alex@example.org;;2;2016 2019;01/09/2027;Lyon\n"
    "Modèle;Sam;;06 00 00 00 00;1;;;Lille\n"
    ";Sans;sans.nom@example.org;;1;;;\n"
    "Essai;Pat;pas-une-adresse;;1;;;\n"
    "Double;Lou;alex@example.org;;1;;;\n"
    "Âges;Kim;kim@example.org;;deux;1850;31/02/2027;\n"
    "Existant;Dom;deja@example.org;;1;;;\n"
)


def upload(text, name="familles.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def lead(client):
    user = UserFactory(roles=["team lead"])
    client.force_login(user)
    return user


@pytest.fixture
def cohort():
    return Cohort.objects.create(
        name="Ouverture du centre pénitentiaire (fictif)",
        organisation=OrganisationFactory(kind="institution"),
    )


def test_preview_sets_bad_rows_aside_with_reasons_and_stores_nothing(client, lead, cohort):
    HouseholdFactory(reference="OSZ-2026-0777", email="deja@example.org")
    url = reverse("accompagnement:cohort-import", args=[cohort.pk])
    response = client.post(url, {"file": upload(GOOD_AND_BAD)})
    text = page_text(response)
    assert "2 famille(s) prête(s), 5 ligne(s) écartée(s)." in text
    assert "Le nom manque." in text
    assert "« pas-une-adresse » n'est pas une adresse électronique." in text
    assert "Même courriel que la ligne 2 : une famille, un dossier." in text
    assert "« deux » adultes : indiquez un nombre de 1 à 8." in text
    assert "« 1850 » n'est pas une année de naissance d'enfant." in text
    assert "« 31/02/2027 » n'est pas une date (JJ/MM/AAAA)." in text
    assert "Un dossier ouvert existe déjà avec ce courriel (OSZ-2026-0777)." in text
    assert Household.objects.count() == 1  # nothing stored at the preview

    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    imported = Household.objects.filter(cohort=cohort).order_by("email")
    assert [h.email for h in imported] == ["", "alex@example.org"]
    alex = imported.get(email="alex@example.org")
    assert alex.adults.count() == 2 and sorted(c.birth_year for c in alex.children.all()) == [2016, 2019]
    assert alex.referrer == cohort.organisation and alex.intake_channel == IntakeChannel.COHORT_IMPORT
    assert alex.stage == Stage.NEW and alex.transitions.count() == 1
    # Sending the confirmation twice opens nothing more (the kept file is gone).
    client.post(url, {"confirm": "1"})
    assert Household.objects.filter(cohort=cohort).count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "est vide"),
        ("prénom;ville\nAlex;Lyon\n".encode(), "Colonnes attendues : nom, prenom, courriel ou telephone"),
        (b"nom;courriel\n", "aucune ligne de famille"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", "Ce fichier ne se lit pas comme un CSV."),
    ],
)
def test_unreadable_files_get_a_clear_message(client, lead, cohort, content, message):
    response = client.post(
        reverse("accompagnement:cohort-import", args=[cohort.pk]),
        {"file": SimpleUploadedFile("f.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert not Household.objects.exists()


def test_board_and_figures_hide_small_counts(client, lead, cohort):
    for n in range(6):
        HouseholdFactory(reference=f"OSZ-2026-08{n:02d}", cohort=cohort)
    moved = Household.objects.get(reference="OSZ-2026-0800")
    stages.record_first_contact(moved, by=lead, reason="Appel")
    page = page_text(client.get(reverse("accompagnement:cohort", args=[cohort.pk])))
    assert "OSZ-2026-0800" in page and "OSZ-2026-0805" in page
    figures = page.split("Où en sont les familles du groupe", 1)[1].split("Tableau du groupe", 1)[0]
    assert "< 5" in figures  # 1 in « premier contact » is not shown as 1
    assert ">1<" not in figures.replace(" ", "")
    csv_text = client.get(reverse("accompagnement:cohort-csv", args=[cohort.pk])).content.decode("utf-8-sig")
    assert "Premier contact;< 5" in csv_text and "Total;6" in csv_text


def test_an_advisor_sees_only_their_own_and_unassigned_dossiers_on_the_board(client, cohort):
    me = UserFactory(roles=["installation advisor"])
    colleague = UserFactory(roles=["installation advisor"])
    HouseholdFactory(reference="OSZ-2026-0901", advisor=me, cohort=cohort)
    HouseholdFactory(reference="OSZ-2026-0902", advisor=colleague, cohort=cohort)
    client.force_login(me)
    page = page_text(client.get(reverse("accompagnement:cohort", args=[cohort.pk])))
    assert "OSZ-2026-0901" in page and "OSZ-2026-0902" not in page
    assert "1 dossier suivi par un·e collègue" in page


def test_a_team_lead_creates_a_group(client, lead):
    org = OrganisationFactory(name="Administration pénitentiaire (fictive)", kind="institution")
    response = client.post(
        reverse("accompagnement:cohorts"), {"name": "Promotion 2027", "organisation": org.pk, "programme": ""}
    )
    cohort = Cohort.objects.get()
    assert response.status_code == 302 and cohort.organisation == org and cohort.created_by == lead
    assert client.post(reverse("accompagnement:cohorts"), {"name": ""}).status_code == 200
    assert Cohort.objects.count() == 1
