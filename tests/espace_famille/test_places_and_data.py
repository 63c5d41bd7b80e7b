"""Their places (list with contacts and distances, map), the welcome pack, and their data."""

import io
import json
import zipfile

import pytest
from django.core import mail

from accompagnement import models as acc
from emploi_conjoint.models import Candidate, Consent
from espace_famille.models import ErasureRequest, Message
from tests.factories import CommuneFactory, LayerFactory, PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_pinned_places_are_listed_with_contacts_distances_and_a_map(family_client, family):
    household, _adult = family
    commune = CommuneFactory(name="Villefictive")
    school = LayerFactory(slug="ecoles-elementaires", name="Écoles élémentaires", theme="ecole")
    place = PlaceFactory(
        layer=school, commune=commune, name="École des Tilleuls (fictive)", phone="03 25 00 00 01",
        address="1 rue des Écoles", latitude=48.31, longitude=4.09,
    )  # fmt: skip
    acc.PinnedPlace.objects.create(household=household, place=place, distance_km=2.4, from_commune=commune)
    page = family_client.get("/mon-espace/lieux/").content.decode()
    assert "École des Tilleuls (fictive)" in page
    assert "03 25 00 00 01" in page and "1 rue des Écoles" in page
    assert "2,4 km de Villefictive" in page or "2.4 km de Villefictive" in page
    assert 'id="family-map"' in page
    points = json.loads(page.split('id="family-points" type="application/json">')[1].split("</script>")[0])
    assert points == [
        {"name": "École des Tilleuls (fictive)", "layer": school.name, "lat": 48.31, "lon": 4.09}
    ]
    pack = family_client.get("/mon-espace/livret/").content.decode()
    assert "École des Tilleuls (fictive)" in pack and "Télécharger le livret en PDF" in pack
    pdf = family_client.get("/mon-espace/livret.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf["Content-Disposition"]


def test_no_place_yet_says_so(family_client):
    page = family_client.get("/mon-espace/lieux/").content.decode()
    assert "pas encore retenu de lieu" in page
    assert 'id="family-map"' not in page


def test_my_data_lists_what_is_stored_and_the_export_downloads_it(family_client, family):
    household, _adult = family
    Message.objects.create(household=household, author="famille", text="Bonjour")
    page = family_client.get("/mon-espace/mes-donnees/").content.decode()
    assert "Messages : 1" in page or "Message : 1" in page.replace("messages", "Messages")
    response = family_client.get("/mon-espace/mes-donnees/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("donnees.json"))
    assert data["dossier"] == household.reference
    models = {row["model"] for row in data["enregistrements"]}
    assert {"accompagnement.household", "accompagnement.adult", "espace_famille.message"} <= models


def test_the_cv_consent_is_withdrawn_in_one_click(client, family):
    from .conftest import sign_in

    household, _adult = family
    spouse = acc.Adult.objects.create(household=household, first_name="Sacha", email="sacha@example.org")
    candidate = Candidate.objects.create(adult=spouse)
    Consent.objects.create(candidate=candidate, text_version="2026-01")
    sign_in(client, spouse)
    assert "Retirer mon consentement" in client.get("/mon-espace/mes-donnees/").content.decode()
    client.post("/mon-espace/mes-donnees/consentement-cv/")
    candidate.refresh_from_db()
    assert candidate.current_consent is None
    assert "Pas de consentement en cours" in client.get("/mon-espace/mes-donnees/").content.decode()


def test_an_erasure_request_reaches_the_team(family_client, family, django_capture_on_commit_callbacks):
    household, _adult = family
    lead = UserFactory(username="responsable-fictive", roles=["team lead"])
    with django_capture_on_commit_callbacks(execute=True):
        response = family_client.post("/mon-espace/mes-donnees/effacement/")
    assert response.status_code == 302
    assert ErasureRequest.objects.filter(household=household).count() == 1
    assert household.tasks.filter(title__contains="effacement").exists()
    notices = [m for m in mail.outbox if lead.email in m.to]
    assert len(notices) == 1 and household.reference in notices[0].subject
    # Asking twice records one request.
    family_client.post("/mon-espace/mes-donnees/effacement/")
    assert ErasureRequest.objects.count() == 1
    assert "a été transmise" in family_client.get("/mon-espace/mes-donnees/").content.decode()


def test_erasing_the_dossier_removes_messages_attachments_and_links(
    family, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from espace_famille import services
    from espace_famille.models import SignInLink
    from osez import rights

    household, adult = family
    message = Message(
        household=household, author="famille", adult=adult, text="Mon bail", attachment_kind="pdf"
    )
    message.attachment.save("bail.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    message.save()
    path = message.attachment.path
    services.issue_link(adult)
    with django_capture_on_commit_callbacks(execute=True):
        rights.erase(household)
    assert not Message.objects.exists() and not SignInLink.objects.exists()
    import os

    assert not os.path.exists(path)
