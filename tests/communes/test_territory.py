"""Territory layers: a partner's file is checked, previewed with each rejected row and why, then published."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from communes import territory
from communes.enums import UploadState
from communes.models import Layer, Place, Source, TerritoryUpload
from osez.roles import ADVISOR, MARKETING
from tests.factories import UserFactory

from .conftest import refresh

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "code_commune;nom;adresse;latitude;longitude;téléphone\n"
    "10387;Dr Martin (fictif);1 rue de la Paix;48.2975;4.0770;03 25 00 00 01\n"
    ";Dr Durand (fictif);2 place du Marché;;;\n"  # no code: rejected
    "10999;Dr Petit (fictif);;;;\n"  # unknown commune
    "10033;Dr Lointain (fictif);;43.29;5.37;\n"  # Marseille coordinates for Bar-sur-Aube
    "10033;Dr Bernard (fictif);;quarante;4.7;\n"  # bad value
    "10387;Dr Martin (fictif);1 rue de la Paix;48.2975;4.0770;\n"  # duplicate
)


@pytest.fixture
def communes_loaded(raw):
    assert refresh("communes").ok
    return raw


def test_check_file_explains_each_rejected_row(communes_loaded):
    layer = Layer.objects.get(slug="medecins-nouveaux-patients")
    accepted, rejected = territory.check_file(layer, "medecins.csv", GOOD_CSV.encode("utf-8"))
    assert [row["nom"] for row in accepted] == ["Dr Martin (fictif)"]
    assert accepted[0]["contacts"] == {"telephone": "03 25 00 00 01"}
    reasons = {row["ligne"]: row["raison"] for row in rejected}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert "commune introuvable" in reasons[3] and "commune introuvable" in reasons[4]
    assert "hors du territoire" in reasons[5]
    assert "invalide" in reasons[6]
    assert "double" in reasons[7]


def test_commune_by_name_and_postcode_and_counts_from_a_spreadsheet(communes_loaded):
    layer = Layer.objects.get(slug="assistantes-maternelles")
    book = Workbook()
    sheet = book.active
    sheet.append(["Commune", "Code postal", "Nombre"])
    sheet.append(["aix villemaur palis", "10190", 12])
    sheet.append(["Troyes", "10000", -3])
    buffer = io.BytesIO()
    book.save(buffer)
    accepted, rejected = territory.check_file(layer, "am.xlsx", buffer.getvalue())
    assert [(r["code_commune"], r["attributs"]["nombre"]) for r in accepted] == [("10003", 12)]
    assert rejected[0]["ligne"] == 3 and "invalide" in rejected[0]["raison"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vide"),
        (b"nom;adresse\nDr X;rue\n", "code_commune"),
        (b"code_commune;adresse\n10387;rue\n", "nom"),
        (b"<html><body>erreur</body></html>", "HTML"),
    ],
)
def test_unusable_file_is_refused_with_a_message(communes_loaded, content, message):
    layer = Layer.objects.get(slug="medecins-nouveaux-patients")
    with pytest.raises(territory.UploadError, match=message):
        territory.check_file(layer, "f.csv", content)


def test_staff_upload_preview_and_publish_through_the_admin(client, communes_loaded):
    advisor = UserFactory(roles=[ADVISOR])
    client.force_login(advisor)
    layer = Layer.objects.get(slug="medecins-nouveaux-patients")
    response = client.post(
        "/admin/communes/territoryupload/televerser/",
        {"layer": layer.pk, "provider": "Ordre des médecins de l'Aube", "data_date": "2026-10-01",
         "file": SimpleUploadedFile("medecins.csv", GOOD_CSV.encode("latin-1"), "text/csv")},
    )  # fmt: skip
    assert response.status_code == 302
    upload = TerritoryUpload.objects.get()
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "Dr Martin (fictif)" in html
    assert "hors du territoire" in html and "commune introuvable" in html
    assert not Place.objects.filter(layer=layer).exists(), "nothing is published before the button"

    published = client.post(f"/admin/communes/territoryupload/{upload.pk}/publier/")
    assert published.status_code == 302
    # A layer about people: without the doctor's agreement in the file, a count in the commune, no name.
    place = Place.objects.get(layer=layer)
    assert place.name == "Médecins acceptant de nouveaux patients — Troyes" and place.commune_id == "10387"
    assert place.attributes["nombre"] == 1 and place.address == "" and place.latitude is None
    assert place.attributes["partenaire"] == "Ordre des médecins de l'Aube"
    upload.refresh_from_db()
    assert upload.state == UploadState.PUBLISHED and upload.uploaded_by == advisor
    source = Source.objects.get(pk=upload.source_id)
    assert source.is_territory and source.publisher == "Ordre des médecins de l'Aube"
    assert source.last_success_at is not None
    # Publishing twice is refused; the data stay as they are.
    client.post(f"/admin/communes/territoryupload/{upload.pk}/publier/")
    assert Place.objects.filter(layer=layer).count() == 1


def test_a_new_file_replaces_the_previous_one_and_retires_missing_rows(communes_loaded):
    layer = Layer.objects.get(slug="relais-petite-enfance")
    user = UserFactory(roles=[ADVISOR])
    first = b"code_commune;nom\n10387;RPE de Troyes\n10033;RPE de Bar-sur-Aube\n10003;RPE d'Aix\n10034;RPE de Bar-sur-Seine\n"
    second = b"code_commune;nom\n10387;RPE de Troyes\n10033;RPE de Bar-sur-Aube\n10003;RPE d'Aix\n"
    for content in (first, second):  # one place of four gone: -25 %, over the 20 % guard
        upload = territory.create_upload(
            layer, provider="CAF", data_date="2026-01-01", file_name="rpe.csv", data=content, user=user
        )
        if content is second:
            with pytest.raises(territory.ShrinkRefused):
                territory.publish_upload(upload, user)
            assert Place.objects.filter(layer=layer, is_active=True).count() == 4
            territory.publish_upload(upload, user, confirm_shrink=True, reason="Le RPE a fermé (fictif)")
        else:
            territory.publish_upload(upload, user)
    assert sorted(Place.objects.filter(layer=layer, is_active=True).values_list("name", flat=True)) == [
        "RPE d'Aix", "RPE de Bar-sur-Aube", "RPE de Troyes"
    ]  # fmt: skip
    assert Place.objects.filter(layer=layer, is_active=False).count() == 1


def test_roles_without_upload_rights_are_refused(client, communes_loaded):
    client.force_login(UserFactory(roles=[MARKETING]))
    assert client.get("/admin/communes/territoryupload/televerser/").status_code == 403
    client.force_login(UserFactory(roles=[]))
    assert client.get("/admin/communes/territoryupload/televerser/").status_code == 403


def test_a_file_with_every_row_rejected_cannot_be_published(client, communes_loaded):
    layer = Layer.objects.get(slug="medecins-nouveaux-patients")
    advisor = UserFactory(roles=[ADVISOR])
    upload = territory.create_upload(
        layer, provider="CAF", data_date="2026-01-01", file_name="m.csv",
        data=b"code_commune;nom\n10999;Dr Nulle Part\n", user=advisor,
    )  # fmt: skip
    client.force_login(advisor)
    preview = client.get(f"/admin/communes/territoryupload/{upload.pk}/apercu/").content.decode()
    assert "Publier les lignes acceptées" not in preview
    response = client.post(f"/admin/communes/territoryupload/{upload.pk}/publier/", follow=True)
    assert response.status_code == 200
    assert "rien à publier" in response.content.decode()
    upload.refresh_from_db()
    assert upload.state == UploadState.PREVIEW and not Place.objects.filter(layer=layer).exists()
