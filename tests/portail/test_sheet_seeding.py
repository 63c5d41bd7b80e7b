"""The practical sheets the site starts with come from fixtures/sheets/, and never overwrite staff's work."""

import io

import pytest
from django.core.management import CommandError, call_command

from portail import seed
from portail.models import Sheet

pytestmark = pytest.mark.django_db


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


SHEET = "Title: Venir à vélo\nTheme: mobilite\nOrder: 3\nSummary: Les pistes cyclables.\n\n## Les pistes\n\nDu texte.\n"


def test_the_project_sheets_load_published_once(client):
    out = io.StringIO()
    call_command("load_sheets", stdout=out)
    assert "6 créée(s), 0 déjà présente(s)" in out.getvalue()
    sheet = Sheet.objects.get(slug="se-deplacer")
    assert (sheet.title, sheet.theme, sheet.order, sheet.is_published) == ("Se déplacer", "mobilite", 4, True)
    assert sheet.body.startswith("## Les transports en commun")
    assert client.get("/fiches/se-deplacer/").status_code == 200

    out = io.StringIO()
    call_command("load_sheets", stdout=out)
    assert "0 créée(s), 6 déjà présente(s)" in out.getvalue()
    assert Sheet.objects.count() == 6


def test_a_sheet_staff_edited_or_unpublished_is_never_overwritten(tmp_path):
    write(tmp_path, "venir-a-velo.md", SHEET)
    seed.load_sheets(tmp_path)
    Sheet.objects.filter(slug="venir-a-velo").update(
        title="À vélo dans l'Aube", body="Réécrit", is_published=False
    )

    created, kept, translated = seed.load_sheets(tmp_path)

    assert (created, kept, translated) == ([], ["venir-a-velo"], [])
    sheet = Sheet.objects.get(slug="venir-a-velo")
    assert (sheet.title, sheet.body, sheet.is_published) == ("À vélo dans l'Aube", "Réécrit", False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SHEET.replace("Theme: mobilite", "Theme: jardinage"), "thème inconnu « jardinage »"),
        (SHEET.replace("Order: 3", "Order: trois"), "l'ordre doit être un nombre entier"),
        (SHEET.replace("Summary: Les pistes cyclables.\n", ""), "il manque summary"),
        (SHEET.replace("Title:", "Titre:"), "ligne d'en-tête inattendue « Titre: Venir à vélo »"),
        ("Title: x\nTheme: mobilite\nOrder: 1\nSummary: s\n", "il manque le texte de la fiche"),
    ],
)
def test_a_bad_file_is_named_and_nothing_is_loaded(tmp_path, text, message):
    write(tmp_path, "a-bonne-fiche.md", SHEET)
    write(tmp_path, "b-mauvaise-fiche.md", text)
    with pytest.raises(CommandError, match=f"b-mauvaise-fiche.md: {message}"):
        call_command("load_sheets", "--folder", str(tmp_path), stdout=io.StringIO())
    assert not Sheet.objects.exists(), "the good file is not loaded either"
