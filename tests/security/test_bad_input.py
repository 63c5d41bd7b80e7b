"""Bad input against the staff pages: refused with 403/404 (never a 500), nothing stored is damaged."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accompagnement.enums import Need
from accompagnement.models import Adult, Household, HouseholdNeed
from communes.models import Layer, Source, TerritoryUpload
from emploi_conjoint import services, stages
from emploi_conjoint.models import Candidate, CVVersion
from osez.models import AccessLog
from osez.roles import ADMIN, ADVISOR, HR, MARKETING, TEAM_LEAD
from partenaires.models import Organisation
from portail.models import SupportRequest
from tests.factories import CommuneFactory, LayerFactory, SourceFactory, UserFactory

from .forms_html import form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% CV fictif\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"binary code"


@pytest.fixture
def setup():
    advisor, colleague = UserFactory(roles=[ADVISOR]), UserFactory(roles=[ADVISOR])
    hr = UserFactory(roles=[HR])
    household = Household.objects.create(email="famille@example.org", origin="Lyon", advisor=colleague)
    HouseholdNeed.objects.create(household=household, kind=Need.SPOUSE_JOB)
    spouse = Adult.objects.create(household=household, first_name="Dominique", last_name="Fictif")
    candidate = stages.open_candidate(
        Candidate(adult=spouse, hr_specialist=hr, home_commune=CommuneFactory())
    )
    cv = services.add_cv_version(candidate, SimpleUploadedFile("cv.pdf", PDF, "application/pdf"), note="")
    return {"advisor": advisor, "colleague": colleague, "hr": hr, "household": household,
            "candidate": candidate, "cv": cv}  # fmt: skip


def test_editing_another_advisors_dossier_by_id_is_refused_and_changes_nothing(client, setup):
    household = setup["household"]
    url = reverse("accompagnement:dossier-edit", args=[household.pk])
    colleague = Client()
    colleague.force_login(setup["colleague"])
    data = form_data(colleague.get(url).content.decode(), containing="version")
    data["origin"] = ["Écrasé par un autre"]

    client.force_login(setup["advisor"])
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    household.refresh_from_db()
    assert household.origin == "Lyon" and household.version == 1


@pytest.mark.parametrize(
    "path",
    [
        "/admin/accompagnement/dossiers/999999/",
        "/admin/accompagnement/dossiers/999999/modifier/",
        "/admin/accompagnement/dossiers/999999/livret/",
        "/admin/emploi/candidats/999999/",
        "/admin/emploi/candidats/999999/modifier/",
        "/admin/emploi/cv/999999/telecharger/",
        "/admin/securite/droits/999999/export/",
        "/admin/accompagnement/dossiers/99999999999999999999/",
        "/admin/emploi/cv/99999999999999999999/telecharger/",
    ],
)
def test_unknown_ids_are_404_for_people_allowed_to_look(client, path):
    client.force_login(UserFactory(roles=[ADMIN]))
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("role", [ADVISOR, MARKETING, TEAM_LEAD])
def test_cv_download_by_another_team_is_refused_and_not_served(client, setup, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse("emploi_conjoint:cv-download", args=[setup["cv"].pk]))
    assert response.status_code == 403
    assert PDF not in response.content
    assert not AccessLog.objects.filter(action="download").exists()


def test_cv_whose_file_vanished_is_404_not_500(client, setup):
    setup["cv"].file.storage.delete(setup["cv"].file.name)
    client.force_login(setup["hr"])
    assert client.get(reverse("emploi_conjoint:cv-download", args=[setup["cv"].pk])).status_code == 404


def test_export_by_marketing_is_refused(client, setup):
    client.force_login(UserFactory(roles=[MARKETING]))
    assert client.get(f"/admin/securite/droits/{setup['household'].pk}/export/").status_code == 403
    assert client.get("/admin/securite/droits/").status_code == 403
    assert client.get("/admin/accompagnement/household/").status_code == 403
    assert not AccessLog.objects.filter(action="export").exists()


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_staff_forms_posted_without_csrf_token_are_refused(csrf_client, setup):
    household, candidate = setup["household"], setup["candidate"]
    csrf_client.force_login(setup["colleague"])
    url = reverse("accompagnement:dossier-edit", args=[household.pk])
    data = form_data(csrf_client.get(url).content.decode(), containing="version")
    data.pop("csrfmiddlewaretoken", None)
    data["origin"] = ["Changé sans jeton"]
    assert csrf_client.post(url, data).status_code == 403
    household.refresh_from_db()
    assert household.origin == "Lyon"

    csrf_client.force_login(setup["hr"])
    url = reverse("emploi_conjoint:candidate-edit", args=[candidate.pk])
    data = form_data(csrf_client.get(url).content.decode(), containing="version")
    data.pop("csrfmiddlewaretoken", None)
    data["constraints"] = ["Changé sans jeton"]
    assert csrf_client.post(url, data).status_code == 403
    candidate.refresh_from_db()
    assert candidate.constraints == ""

    csrf_client.force_login(UserFactory(roles=[ADMIN]))
    erase = f"/admin/securite/droits/{household.pk}/effacement/"
    assert csrf_client.post(erase, {"confirm_reference": household.reference}).status_code == 403
    assert Household.objects.filter(pk=household.pk).exists()


def test_public_request_and_login_without_csrf_token_are_refused(csrf_client):
    assert csrf_client.post("/demande/", {"first_name": "Alex", "last_name": "Fictif"}).status_code == 403
    assert not SupportRequest.objects.exists()
    user = UserFactory(roles=[ADVISOR])
    response = csrf_client.post(
        "/admin/login/", {"username": user.username, "password": "un mot de passe solide 2026"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in csrf_client.session


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cv.pdf", ELF, "n'est pas un CV accepté"),
        ("cv.pdf", b"<!doctype html><script>alert(1)</script>", "format non reconnu"),
        ("cv.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024), "5 Mo"),
    ],
    ids=["executable-renamed-pdf", "html-renamed-pdf", "six-megabytes"],
)
def test_disguised_or_oversized_cv_is_refused_and_nothing_is_stored(client, setup, name, data, message):
    client.force_login(setup["hr"])
    before = CVVersion.objects.count()
    response = client.post(
        reverse("emploi_conjoint:cv-list", args=[setup["candidate"].pk]),
        {"file": SimpleUploadedFile(name, data, "application/pdf"), "note": ""},
    )
    assert response.status_code in (200, 400)
    assert message in response.content.decode().replace("&#x27;", "'")
    assert CVVersion.objects.count() == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("medecins.csv", b"\x00" * (6 * 1024 * 1024)),
        ("medecins.csv", ELF),
        ("medecins.xlsx", b"PK\x03\x04pas un classeur"),
    ],
    ids=["six-megabytes", "executable-renamed-csv", "broken-xlsx"],
)
def test_disguised_or_oversized_territory_file_is_refused(client, name, data):
    layer = LayerFactory(slug="medecins-nouveaux-patients", name="Médecins acceptant de nouveaux patients")
    Layer.objects.filter(pk=layer.pk).update(is_territory=True)
    client.force_login(UserFactory(roles=[ADVISOR]))
    response = client.post(
        "/admin/communes/territoryupload/televerser/",
        {"layer": layer.pk, "provider": "Partenaire fictif", "data_date": "2026-10-01",
         "file": SimpleUploadedFile(name, data, "text/csv")},
    )  # fmt: skip
    assert response.status_code in (200, 400)
    assert 'class="errorlist' in response.content.decode()
    assert not TerritoryUpload.objects.exists()


def test_disguised_organisation_import_is_refused(client, setup):
    client.force_login(setup["hr"])
    response = client.post(
        reverse("partenaires:organisation-import"),
        {"file": SimpleUploadedFile("organisations.csv", ELF, "text/csv")},
    )
    assert response.status_code in (200, 400)
    assert "Colonnes obligatoires absentes" in response.content.decode()
    assert not Organisation.objects.exists()


def test_publishing_a_file_whose_rows_were_all_rejected_is_not_a_500(client):
    layer = LayerFactory(slug="medecins-nouveaux-patients", name="Médecins acceptant de nouveaux patients")
    source = SourceFactory(slug="territoire-medecins-nouveaux-patients", name="Partenaire fictif")
    upload = TerritoryUpload.objects.create(
        layer=layer, source=source, provider="Partenaire fictif", data_date=datetime.date(2026, 10, 1),
        file_name="medecins.csv", checksum="0" * 64, rows=[], rejected_rows=[{"ligne": 2, "raison": "hors territoire"}],
    )  # fmt: skip
    client.force_login(UserFactory(roles=[ADVISOR]))
    response = client.post(f"/admin/communes/territoryupload/{upload.pk}/publier/")
    assert response.status_code in (302, 400)
    assert Source.objects.filter(pk=source.pk).exists()
