"""Thematic sheets: published ones grouped by theme, Markdown rendered and sanitised, attachments."""

import pytest
from django.core.files.base import ContentFile

from portail.models import Sheet, SheetAttachment

pytestmark = pytest.mark.django_db


def test_seeded_sheets_are_grouped_by_theme(client, seeded_sheets):
    html = client.get("/fiches/").content.decode()
    for theme in (
        "Logement",
        "Santé",
        "Petite enfance et école",
        "Emploi du conjoint",
        "Mobilité",
        "Vie locale",
    ):
        assert f">{theme}</h2>" in html
    assert 'href="/fiches/chercher-un-logement/"' in html


def test_unpublished_sheets_are_hidden(client):
    Sheet.objects.create(title="Brouillon", slug="brouillon", theme="logement", summary="…", body="x")
    assert "Brouillon" not in client.get("/fiches/").content.decode()
    assert client.get("/fiches/brouillon/").status_code == 404


def test_markdown_is_rendered_and_sanitised(client):
    Sheet.objects.create(
        title="Fiche test", slug="fiche-test", theme="sante", summary="Résumé", is_published=True,
        body="## Titre\n\nUn [lien](https://example.org) et **gras**.\n\n<script>alert(1)</script>\n\n"
        '<a href="javascript:alert(1)" onclick="x()">piège</a>',
    )  # fmt: skip
    html = client.get("/fiches/fiche-test/").content.decode()
    assert "<h2>Titre</h2>" in html
    assert "<strong>gras</strong>" in html
    assert 'href="https://example.org"' in html
    assert "alert(1)</script>" not in html and "<script>alert" not in html
    assert "javascript:" not in html and "onclick" not in html


def test_attachment_is_downloadable_from_the_sheet(client, seeded_sheets):
    sheet = Sheet.objects.get(slug="chercher-un-logement")
    attachment = SheetAttachment(sheet=sheet, title="Liste des pièces du dossier")
    attachment.file.save("pieces.txt", ContentFile(b"piece d'identite"), save=True)
    html = client.get("/fiches/chercher-un-logement/").content.decode()
    assert f'href="{attachment.get_absolute_url()}"' in html
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"piece d'identite"
    assert client.get(f"/fiches/se-deplacer/pieces/{attachment.pk}/").status_code == 404


def test_sheets_are_written_in_the_admin_with_their_attachments():
    from django.contrib import admin

    sheet_admin = admin.site._registry[Sheet]
    assert [inline.model for inline in sheet_admin.inlines] == [SheetAttachment]
    # The address is made from the French title (the default language of the translated fields).
    assert sheet_admin.prepopulated_fields == {"slug": ("title_fr",)}
