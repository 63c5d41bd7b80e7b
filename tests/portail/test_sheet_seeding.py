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


ENGLISH = "Title: Cycling here\nSummary: The cycle paths.\n\n## The paths\n\nSome text.\n"


def test_the_project_sheets_come_with_their_english_texts(client):
    call_command("load_sheets", stdout=io.StringIO())
    sheet = Sheet.objects.get(slug="se-deplacer")
    assert (sheet.title_fr, sheet.title_en) == ("Se déplacer", "Getting around")
    assert sheet.missing_languages() == ()
    assert "<h1>Getting around</h1>" in client.get("/en/fiches/se-deplacer/").content.decode()


def test_english_is_added_to_a_seeded_sheet_only_while_it_has_none_and_its_french_is_untouched(tmp_path):
    write(tmp_path, "venir-a-velo.md", SHEET)
    write(tmp_path, "venir-en-train.md", SHEET.replace("Venir à vélo", "Venir en train"))
    write(tmp_path, "venir-en-car.md", SHEET.replace("Venir à vélo", "Venir en car"))
    seed.load_sheets(tmp_path)  # before any English file existed: French only
    assert Sheet.objects.get(slug="venir-a-velo").missing_languages() == ("en",)
    # Staff rewrote one sheet's French, and wrote another's English themselves.
    Sheet.objects.filter(slug="venir-en-train").update(body_fr="Réécrit par l'équipe")
    Sheet.objects.filter(slug="venir-en-car").update(
        title_en="By coach", summary_en="Coaches.", body_en="Written by staff."
    )
    for slug in ("venir-a-velo", "venir-en-train", "venir-en-car"):
        write(tmp_path / "en", f"{slug}.md", ENGLISH)

    created, kept, translated = seed.load_sheets(tmp_path)

    assert (created, sorted(kept), translated) == (
        [],
        ["venir-a-velo", "venir-en-car", "venir-en-train"],
        ["venir-a-velo"],
    )
    assert Sheet.objects.get(slug="venir-a-velo").title_en == "Cycling here"
    assert Sheet.objects.get(slug="venir-en-train").title_en is None, "its English would not match its French"
    assert Sheet.objects.get(slug="venir-en-car").body_en == "Written by staff."


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("venir-a-pied.md", ENGLISH, "en/venir-a-pied.md: aucune fiche française ne s'appelle « venir-a-pied »"),
        ("venir-a-velo.md", ENGLISH.replace("Summary: The cycle paths.\n", ""), "en/venir-a-velo.md: il manque summary"),
        ("venir-a-velo.md", "Title: x\nSummary: y\n", "en/venir-a-velo.md: il manque le texte de la fiche"),
    ],
)  # fmt: skip
def test_a_bad_english_file_is_named_and_nothing_is_loaded(tmp_path, name, text, message):
    write(tmp_path, "venir-a-velo.md", SHEET)
    write(tmp_path / "en", name, text)
    with pytest.raises(CommandError, match=message):
        call_command("load_sheets", "--folder", str(tmp_path), stdout=io.StringIO())
    assert not Sheet.objects.exists()
