"""Partners' files that go wrong, and the rules their publication cannot break: every line accounted for
(an unbalanced quote swallows nothing), no personal data in open data, and the shrink guard."""

import csv
import io
import json
import logging
from html import unescape
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communes import territory
from communes.enums import UploadState
from communes.models import ImportRecord, Layer, Place, TerritoryUpload
from osez.roles import ADVISOR
from tests.factories import UserFactory

from .conftest import refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes_loaded(raw):
    assert refresh("communes").ok
    return raw


@pytest.fixture
def advisor():
    return UserFactory(roles=[ADVISOR])


def upload(layer_slug, content, user, **kwargs):
    layer = Layer.objects.get(slug=layer_slug)
    data = content.encode("utf-8") if isinstance(content, str) else content
    return territory.create_upload(
        layer, provider=kwargs.get("provider", "Partenaire fictif"), data_date="2026-10-01",
        file_name=kwargs.get("file_name", "f.csv"), data=data, user=user,
    )  # fmt: skip


# --- every line accounted for --------------------------------------------------------------------

UNBALANCED = (
    "code_commune;nom;adresse\n"
    "10387;Association A (fictif);1 rue A\n"
    '10387;"Association B (fictif);2 rue B\n'  # opens a quote it never closes
    "10387;Association C (fictif);3 rue C\n"
    "10033;Association D (fictif);4 rue D\n"
    "10034;Association E (fictif);5 rue E\n"
    "\n"
    "10268;Association F (fictif);6 rue F\n"
    "10323;Association G (fictif);7 rue G\n"
    "10999;Association H (fictif);8 rue H\n"
    '10003;Association "I" (fictif);9 rue I\n'  # a quote inside a field: read as it is
    "10003;Association J (fictif);10 rue J;en trop\n"  # one field too many
    "10387;Association K (fictif);11 rue K\n"
    '10387;"Association L; avec un point-virgule (fictif)";12 rue L\n'
    "10387;Association M (fictif);13 rue M\n"
)


def test_an_unbalanced_quote_swallows_no_line_and_every_line_is_counted(communes_loaded, advisor):
    result = upload("associations", UNBALANCED, advisor)
    assert result.data_lines == 14
    accepted = {row["nom"] for row in result.rows}
    rejected = {row["ligne"]: row["raison"] for row in result.rejected_rows}
    assert accepted == {
        "Association A (fictif)", "Association C (fictif)", "Association D (fictif)", "Association E (fictif)",
        "Association F (fictif)", "Association G (fictif)", 'Association "I" (fictif)', "Association K (fictif)",
        "Association L; avec un point-virgule (fictif)", "Association M (fictif)",
    }  # fmt: skip
    assert set(rejected) == {3, 10, 12}
    assert "guillemet" in rejected[3] and "les lignes suivantes sont lues" in rejected[3]
    assert "commune introuvable" in rejected[10]
    assert "4 champs au lieu de 3" in rejected[12]
    # accepted + rejected + empty = the file's data lines
    assert len(result.rows) + len(result.rejected_rows) + 1 == result.data_lines
    assert not any("rue C" in row["nom"] or "\n" in row["nom"] for row in result.rows)


def test_the_preview_adds_the_lines_up(client, communes_loaded, advisor):
    result = upload("associations", UNBALANCED, advisor)
    client.force_login(advisor)
    html = client.get(f"/admin/communes/territoryupload/{result.pk}/apercu/").content.decode()
    count = " ".join(html.split('id="line-count"')[1].split("</p>")[0].split())
    assert (
        "Le fichier compte 14 lignes de données (en-tête non comprise) :</strong> 10 acceptées, 3 rejetées, 1 vide, ignorée."
        in count
    )
    table = html.split('id="rejected-lines"')[1].split("</table>")[0]
    assert table.count("<tr>") == 4  # header + three rejected lines, each with its reason
    assert "guillemet ouvert mais pas refermé" in table


def test_a_file_mixing_encodings_is_refused_with_the_lines(communes_loaded):
    layer = Layer.objects.get(slug="associations")
    data = "code_commune;nom\n10387;Église (fictif)\n".encode() + "10033;Fête (fictif)\n".encode("latin-1")
    with pytest.raises(territory.UploadError, match=r"encodage mélangé : les lignes 3 "):
        territory.check_file(layer, "a.csv", data)
    accepted, _rejected = territory.check_file(
        layer, "a.csv", "code_commune;nom\n10033;Fête\n".encode("cp1252")
    )
    assert accepted[0]["nom"] == "Fête"


# --- establishments keep their contacts ----------------------------------------------------------


def test_an_establishment_s_contacts_are_published_in_their_fields(client, communes_loaded, advisor):
    content = (
        "code_commune;nom;adresse;latitude;longitude;telephone;site;email\n"
        "10387;Relais Petite Enfance (fictif);1 rue de la Paix;48.2975;4.0770;03 25 00 00 09;"
        "https://rpe.example.org;rpe@example.org\n"
        "10033;Relais sans point (fictif);;;;;;\n"
    )
    territory.publish_upload(upload("relais-petite-enfance", content, advisor), advisor)
    place = Place.objects.get(name="Relais Petite Enfance (fictif)")
    assert (place.phone, place.website, place.email) == (
        "03 25 00 00 09",
        "https://rpe.example.org",
        "rpe@example.org",
    )
    assert place.position_quality == "exact" and "telephone" not in place.attributes
    assert Place.objects.get(name="Relais sans point (fictif)").position_quality == "unknown"
    api = client.get("/api/v1/places/?layer=relais-petite-enfance").json()["results"]
    assert {p["name"]: p["phone"] for p in api}["Relais Petite Enfance (fictif)"] == "03 25 00 00 09"


# --- no personal data in open data ---------------------------------------------------------------

CHILDMINDERS = (
    "code_commune;nom;adresse;code_postal;latitude;longitude;telephone;email;consentement\n"
    "10387;Mme Alice Fictive;12 rue des Tilleuls;10000;48.2975;4.0770;06 11 22 33 44;alice@example.org;oui\n"
    "10387;Mme Brigitte Fictive;3 impasse des Lilas;10000;48.2980;4.0760;06 55 66 77 88;brigitte@example.org;\n"
    "10387;Mme Carole Fictive;5 rue Haute;10000;;;06 99 88 77 66;;non\n"
    "10033;Mme Denise Fictive;8 place Basse;10200;;;03 25 27 00 00;;\n"
)
PRIVATE = ("Tilleuls", "Lilas", "rue Haute", "place Basse", "06 11 22 33 44", "06 55 66 77 88", "06 99 88 77 66",
           "03 25 27 00 00", "alice@example.org", "brigitte@example.org", "Brigitte", "Carole", "Denise",
           "48.2975", "48.298")  # fmt: skip


def test_a_layer_about_people_is_published_as_counts_or_agreed_names_without_contacts(
    client, communes_loaded, advisor
):
    territory.publish_upload(upload("assistantes-maternelles", CHILDMINDERS, advisor), advisor)
    published = {p.name: p for p in Place.objects.filter(layer="assistantes-maternelles", is_active=True)}
    assert set(published) == {
        "Mme Alice Fictive",  # she agreed to be named
        "Assistantes maternelles — Troyes",  # Brigitte and Carole, counted
        "Assistantes maternelles — Bar-sur-Aube",  # Denise, counted
    }
    assert published["Assistantes maternelles — Troyes"].attributes["nombre"] == 2
    assert published["Assistantes maternelles — Bar-sur-Aube"].attributes["nombre"] == 1
    for place in published.values():
        assert (place.address, place.postcode, place.phone, place.email, place.website) == (
            "",
            "",
            "",
            "",
            "",
        )
        assert place.latitude is None and place.position_quality == "unknown"

    pages = [
        client.get("/communes/10387-troyes/").content.decode(),
        client.get("/communes/10033-bar-sur-aube/").content.decode(),
        json.dumps(client.get("/api/v1/places/?layer=assistantes-maternelles").json(), ensure_ascii=False),
        json.dumps(
            client.get("/api/v1/places/geojson/?layer=assistantes-maternelles").json(), ensure_ascii=False
        ),
        b"".join(client.get("/api/v1/downloads/assistantes-maternelles.csv").streaming_content).decode(),
        b"".join(client.get("/api/v1/downloads/assistantes-maternelles.geojson").streaming_content).decode(),
    ]
    for text in pages:
        for private in PRIVATE:
            assert private not in text
    assert "Mme Alice Fictive" in pages[0]
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in pages[4].lstrip("\ufeff").splitlines() if not line.startswith("#"))), delimiter=";"))  # fmt: skip
    assert {r["nom"]: (r["adresse"], r["telephone"], r["latitude"]) for r in rows}["Mme Alice Fictive"] == (
        "",
        "",
        "",
    )


def test_the_upload_screen_and_the_preview_say_so_before_publishing(client, communes_loaded, advisor):
    client.force_login(advisor)
    form = client.get("/admin/communes/territoryupload/televerser/").content.decode()
    rule = form.split('id="people-rule"')[1].split("</ul>")[0]
    assert "assistantes maternelles" in rule and "médecins acceptant de nouveaux patients" in rule
    assert "jamais publiés" in rule and "consentement" in rule
    result = upload("assistantes-maternelles", CHILDMINDERS, advisor)
    preview = client.get(f"/admin/communes/territoryupload/{result.pk}/apercu/").content.decode()
    assert "Ne publie jamais l'adresse".lower() in preview.lower()
    entries = preview.split('id="public-entries"')[1].split("</table>")[0]
    assert (
        "Assistantes maternelles — Troyes" in entries and "Brigitte" not in entries and "Lilas" not in entries
    )
    assert "non : compté dans sa commune" in preview


def test_a_preview_stored_before_the_rule_cannot_publish_personal_data(communes_loaded, advisor):
    layer = Layer.objects.get(slug="medecins-nouveaux-patients")
    old = TerritoryUpload.objects.create(
        layer=layer, source=territory._territory_source(layer, "Ordre fictif"), provider="Ordre fictif",
        data_date="2026-01-01", file_name="old.csv", checksum="x", uploaded_by=advisor, state=UploadState.PREVIEW,
        rows=[{"ligne": 2, "ref": "10387-old", "nom": "Dr Ancien Fictif", "code_commune": "10387", "latitude": 48.2975,
               "longitude": 4.077, "adresse": "1 rue Privée", "code_postal": "10000",
               "attributs": {"telephone": "06 00 00 00 01"}}],
    )  # fmt: skip
    territory.publish_upload(old, advisor)
    place = Place.objects.get(layer=layer, is_active=True)
    assert place.name == "Médecins acceptant de nouveaux patients — Troyes"
    assert place.address == "" and place.phone == "" and "telephone" not in place.attributes


def test_the_migration_withdraws_what_was_published_against_the_rule(communes_loaded, advisor, client):
    from importlib import import_module

    from django.apps import apps

    layer = Layer.objects.get(slug="assistantes-maternelles")
    source = territory._territory_source(layer, "PMI fictive")
    named = Place.objects.create(
        layer=layer, source=source, source_ref="a", name="Mme Ancienne Fictive", commune_id="10387",
        latitude=48.2975, longitude=4.077, address="7 rue Privée", attributes={"telephone": "06 12 12 12 12"},
    )  # fmt: skip
    counted = Place.objects.create(
        layer=layer, source=source, source_ref="b", name="Mme Comptée Fictive", commune_id="10033",
        attributes={"nombre": 4, "telephone": "06 34 34 34 34"}, address="9 rue Cachée",
    )  # fmt: skip
    agreed = Place.objects.create(
        layer=layer, source=source, source_ref="c", name="Mme Daccord Fictive", commune_id="10387",
        address="1 rue Connue", attributes={"consentement": "oui"}, latitude=48.29, longitude=4.07,
    )  # fmt: skip
    association = Layer.objects.get(slug="associations")
    club = Place.objects.create(
        layer=association, source=territory._territory_source(association, "Ville"), source_ref="d",
        name="Club fictif", commune_id="10387", attributes={"telephone": "03 25 00 00 07", "site": "https://club.example.org"},
    )  # fmt: skip

    migration = import_module("communes.migrations.0009_withdraw_personal_data")
    migration.withdraw(apps, None)
    migration.move_contacts(apps, None)

    named.refresh_from_db()
    assert not named.is_active and named.address == "" and named.latitude is None and named.attributes == {}
    counted.refresh_from_db()
    assert counted.is_active and counted.name == "Assistantes maternelles — Bar-sur-Aube"
    assert counted.attributes == {"nombre": 4} and counted.address == ""
    agreed.refresh_from_db()
    assert (
        agreed.is_active
        and agreed.name == "Mme Daccord Fictive"
        and agreed.address == ""
        and agreed.latitude is None
    )
    club.refresh_from_db()
    assert (club.phone, club.website, club.attributes) == ("03 25 00 00 07", "https://club.example.org", {})
    page = client.get("/communes/10387-troyes/").content.decode()
    assert "Mme Ancienne Fictive" not in page and "7 rue Privée" not in page and "Mme Daccord Fictive" in page


# --- the shrink guard ----------------------------------------------------------------------------


def associations(n):
    codes = ["10387", "10033", "10034", "10268", "10323", "10003"]
    return "code_commune;nom\n" + "".join(f"{codes[i % 6]};Association {i} (fictif)\n" for i in range(n))


def test_a_territory_upload_never_bypasses_the_shrink_guard(communes_loaded, advisor):
    """Fails if territory uploads publish with force=True again without a person's confirmation."""
    territory.publish_upload(upload("associations", associations(10), advisor), advisor)
    smaller = upload("associations", associations(2), advisor)
    with mock.patch("communes.territory.publish_places", wraps=territory.publish_places) as spy:
        with pytest.raises(territory.ShrinkRefused, match="ne compte que 2 lieux contre 10 publiés"):
            territory.publish_upload(smaller, advisor)
        assert all(not call.kwargs.get("force") for call in spy.call_args_list)
    assert Place.objects.filter(layer="associations", is_active=True).count() == 10
    smaller.refresh_from_db()
    assert smaller.state == UploadState.PREVIEW
    # A small change stays below the guard and publishes without any confirmation.
    territory.publish_upload(upload("associations", associations(9), advisor), advisor)
    assert Place.objects.filter(layer="associations", is_active=True).count() == 9
    assert not ImportRecord.objects.filter(forced=True).exists()


def test_a_person_confirms_a_shrink_with_a_reason_and_it_is_recorded(
    client, communes_loaded, advisor, caplog
):
    territory.publish_upload(upload("associations", associations(10), advisor), advisor)
    smaller = upload("associations", associations(2), advisor)
    client.force_login(advisor)
    url = f"/admin/communes/territoryupload/{smaller.pk}/publier/"

    refused = unescape(client.post(url).content.decode())
    assert "ne compte que 2 lieux contre 10 publiés" in refused and "Rien n'a été publié" in refused
    assert "Je confirme que les lieux absents de ce fichier ont vraiment disparu" in refused
    no_reason = unescape(client.post(url, {"confirm_shrink": "on", "reason": " "}).content.decode())
    assert "dites pourquoi" in no_reason
    assert Place.objects.filter(layer="associations", is_active=True).count() == 10

    with caplog.at_level(logging.WARNING, logger="communes.territory"):
        done = client.post(
            url, {"confirm_shrink": "on", "reason": "Huit associations dissoutes (fictif)"}, follow=True
        )
    assert "Baisse confirmée par" in done.content.decode()
    assert Place.objects.filter(layer="associations", is_active=True).count() == 2
    record = ImportRecord.objects.get(triggered_by=f"upload:{smaller.pk}")
    assert record.forced and record.deactivated == 8
    message = json.loads(record.message)
    assert message["baisse_confirmée"] == {"par": advisor.username, "raison": "Huit associations dissoutes (fictif)",
                                           "avant": 10, "après": 2}  # fmt: skip
    assert any("confirmed by " + advisor.username in r.getMessage() for r in caplog.records)


def test_staff_upload_through_the_admin_with_a_spreadsheet_counts_rows(client, communes_loaded, advisor):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["code_commune", "nom"])
    sheet.append(["10387", "Club A (fictif)"])
    sheet.append([None, None])
    sheet.append(["10999", "Club B (fictif)"])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(advisor)
    response = client.post(
        "/admin/communes/territoryupload/televerser/",
        {"layer": Layer.objects.get(slug="associations").pk, "provider": "Ville fictive", "data_date": "2026-10-01",
         "file": SimpleUploadedFile("clubs.xlsx", buffer.getvalue())},
    )  # fmt: skip
    html = client.get(response["Location"]).content.decode()
    count = " ".join(html.split('id="line-count"')[1].split("</p>")[0].split())
    assert "3 lignes de données" in count and "1 acceptée, 1 rejetée, 1 vide, ignorée." in count
