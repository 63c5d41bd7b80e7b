"""CSV import of companies and recruiters: preview with rejected rows and reasons, then upsert on SIRET."""

import pytest
from django.urls import reverse

from osez.csv_import import decode
from partenaires import organisations_import as importer
from partenaires.models import Organisation
from tests.factories import CommuneFactory, UserFactory
from tests.helpers import page_text

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# 73282932000074 is a valid SIRET (Luhn); 35600000000010 fails Luhn but follows La Poste's rule (digit sum multiple of 5).
CSV = (
    "nom;type;siret;naf;secteur;code_insee;effectif;club\n"
    "Fromagerie fictive;employeur;732 829 320 00074;1051C;agroalimentaire;10387;50-249;Club Aube\n"
    "Cabinet fictif;recrutement;35600000000010;78.10Z;recrutement;10387;0-9;\n"
    "Clé fausse;employeur;73282932000075;;;10387;;\n"
    "NAF faux;employeur;44306184100047;ABC;;10387;;\n"
    "Commune inconnue;employeur;55208131766522;;;99999;;\n"
    "Sans siret;employeur;;;;10387;;\n"
    "Doublon;employeur;73282932000074;;;;;\n"
)


@pytest.fixture(autouse=True)
def troyes():
    return CommuneFactory(code_insee="10387", name="Troyes")


def test_luhn_and_la_poste_rules():
    assert importer.check_siret("73282932000074")[1] is None
    assert importer.check_siret("73282932000075")[1] is not None
    assert importer.check_siret("35600000000010")[1] is None
    assert importer.check_siret("35600000000011")[1] is not None
    assert importer.check_siret("1234")[1] is not None


def test_preview_lists_rejected_rows_with_reasons_and_writes_nothing():
    preview = importer.preview(CSV)
    assert [r.name for r in preview.valid] == ["Fromagerie fictive", "Cabinet fictif"]
    reasons = {r.name: " ".join(r.errors) for r in preview.rejected}
    assert "clé de contrôle est fausse" in reasons["Clé fausse"]
    assert "Code NAF" in reasons["NAF faux"]
    assert "commune inconnue" in reasons["Commune inconnue"]
    assert "SIRET manquant" in reasons["Sans siret"]
    assert "déjà présent ligne 2" in reasons["Doublon"]
    assert not Organisation.objects.exists()


def test_import_upserts_on_siret_and_keeps_hand_typed_values():
    existing = OrganisationFactory(name="Ancien nom", siret="73282932000074", website="https://exemple.fr")
    created, updated = importer.apply(importer.preview(CSV))
    assert (created, updated) == (1, 1)
    existing.refresh_from_db()
    assert existing.name == "Fromagerie fictive"
    assert existing.naf == "10.51C"
    assert existing.size_band == "50-249"
    assert existing.business_club == "Club Aube"
    assert existing.website == "https://exemple.fr"
    recruiter = Organisation.objects.get(siret="35600000000010")
    assert recruiter.kind == "recruiter"
    assert recruiter.commune_id == "10387"
    # Importing the same file again creates nothing new.
    assert importer.apply(importer.preview(CSV)) == (0, 2)


def test_missing_columns_are_explained():
    preview = importer.preview("raison;ville\nA;B\n")
    assert "Colonnes obligatoires absentes" in preview.header_error


def test_preview_then_confirm_in_the_page(client):
    client.force_login(UserFactory(roles=["HR specialist"]))
    url = reverse("partenaires:organisation-import")
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = CSV.encode("cp1252")  # a spreadsheet's Windows export
    response = client.post(url, {"file": SimpleUploadedFile("orgs.csv", data, "text/csv")})
    page = page_text(response)
    assert "Lignes écartées et pourquoi" in page
    assert "clé de contrôle est fausse" in page
    assert not Organisation.objects.exists()
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert Organisation.objects.count() == 2


def test_hand_entry_checks_the_siret(client):
    client.force_login(UserFactory(roles=["HR specialist"]))
    response = client.post(
        reverse("partenaires:organisation-create"),
        {"name": "Fictive", "kind": "employer", "siret": "73282932000075", "size_band": ""},
    )
    assert response.status_code == 200
    assert "clé de contrôle est fausse" in page_text(response)
    assert not Organisation.objects.exists()


def test_a_spreadsheet_sent_instead_of_a_csv_is_explained(client):
    client.force_login(UserFactory(roles=["HR specialist"]))
    from django.core.files.uploadedfile import SimpleUploadedFile

    xlsx_like = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00\x01\x02" * 50
    response = client.post(
        reverse("partenaires:organisation-import"),
        {"file": SimpleUploadedFile("orgs.csv", xlsx_like, "text/csv")},
    )
    assert response.status_code == 200
    page = page_text(response)
    assert "Colonnes obligatoires absentes" in page
    assert not Organisation.objects.exists()


def test_a_binary_blob_without_lines_is_explained_not_a_crash():
    # csv refuses fields over 128 KB: what a binary file with no line break looks like.
    preview = importer.preview("nom;siret\n" + "x" * 200_000)
    assert "ne se lit pas comme un CSV" in preview.header_error


def test_the_template_file_imports_cleanly(client):
    client.force_login(UserFactory(roles=["HR specialist"]))
    response = client.get(reverse("partenaires:organisation-import-template"))
    preview = importer.preview(decode(response.content))
    assert [r.name for r in preview.valid] == ["Entreprise exemple (fictive)"]
    assert preview.rejected == []


def test_duplicate_names_are_rejected_with_a_message_saying_what_to_do():
    OrganisationFactory(name="Centre hospitalier fictif", siret="44306184100047")
    text = (
        "nom;type;siret\n"
        "Fromagerie fictive;employeur;73282932000074\n"
        "FROMAGERIE FICTIVE;employeur;35600000000010\n"
        "Centre Hospitalier Fictif;institution;55208131766522\n"
    )
    result = importer.preview(text)
    by_line = {row.line: row for row in result.rows}
    assert not by_line[2].errors
    assert "déjà présent ligne 2 de ce fichier" in by_line[3].errors[0]
    assert "existe déjà dans le réseau (SIRET 44306184100047)" in by_line[4].errors[0]
    # Same name and same SIRET: an update of that organisation, not a duplicate.
    update = importer.preview("nom;type;siret\nCentre hospitalier fictif;institution;44306184100047\n")
    assert not update.rows[0].errors and update.rows[0].values["kind"] == "institution"


def test_public_employers_are_offered_everywhere_an_organisation_is_chosen(client):
    from emploi_conjoint.forms import IntroductionForm, OpportunityForm

    hospital = OrganisationFactory(name="Centre hospitalier de l'Aube (fictif)", kind="institution")
    client.force_login(UserFactory(roles=["HR specialist"]))
    assert hospital in IntroductionForm().fields["organisation"].queryset
    assert hospital in OpportunityForm().fields["organisation"].queryset
    listing = page_text(client.get(reverse("partenaires:organisations")))
    assert "Centre hospitalier de l'Aube (fictif)" in listing and "Institution publique" in listing
    only_public = page_text(client.get(reverse("partenaires:organisations"), {"type": "institution"}))
    assert "Centre hospitalier de l'Aube (fictif)" in only_public
