"""Sheets worth printing: official links, the service's contact, a print footer; staff preview."""

import re

import pytest
from django.contrib.auth.models import Permission, User

from portail.models import Sheet

pytestmark = pytest.mark.django_db


def test_every_seeded_sheet_links_official_services_and_gives_a_contact(client, seeded_sheets, settings):
    settings.OSEZ_SERVICE_PHONE = "03 53 01 99 42"
    for sheet in Sheet.objects.all():
        html = client.get(sheet.get_absolute_url()).content.decode()
        links = re.findall(r'<a href="(https://[^"]+)"', html)
        assert links, f"{sheet.slug} links no official service"
        assert "Votre contact au service d'accueil" in html and "03 53 01 99 42" in html
        assert (
            'class="print-only print-footer"' in html
            and "http://testserver" + sheet.get_absolute_url() in html
        )
    expected = {"caf.fr", "ameli.fr", "monenfant.fr", "francetravail.fr", "fluo.eu"}
    bodies = " ".join(Sheet.objects.values_list("body", flat=True))
    assert all(domain in bodies for domain in expected)


def test_staff_preview_an_unpublished_sheet_and_visitors_cannot(client, db):
    sheet = Sheet.objects.create(title="Brouillon", slug="brouillon", theme="logement", summary="Résumé.",
                                 body="## Partie\n\n[CAF](https://www.caf.fr/)", is_published=False)  # fmt: skip
    assert client.get("/fiches/brouillon/").status_code == 404
    assert client.get(f"/fiches/apercu/{sheet.pk}/").status_code == 302  # to the login page
    editor = User.objects.create_user("redaction", password="x", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_sheet"))
    client.force_login(editor)
    response = client.get(f"/fiches/apercu/{sheet.pk}/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "cette fiche n'est pas publiée" in html and '<a href="https://www.caf.fr/"' in html
    admin = User.objects.create_superuser("admin-fiches", password="x")
    client.force_login(admin)
    page = client.get(f"/admin/portail/sheet/{sheet.pk}/change/").content.decode()
    assert f"/fiches/apercu/{sheet.pk}/" in page and 'href="https://www.caf.fr/"' in page
