"""The practical sheets the site starts with, read from ``fixtures/sheets/`` (one Markdown file each).

A sheet file is named by its slug (``se-deplacer.md``) and starts with a few ``Key: value`` lines —
``Title``, ``Theme`` (a ``SheetTheme`` value), ``Order``, ``Summary`` — then a blank line and the
Markdown body: the metadata format of Python-Markdown's ``meta`` extension, parsed here in a few lines
since only these four keys exist. Loading creates the sheets that do not exist yet, published, and never
touches one that does: staff rewrite, unpublish or reorder the seeded sheets in the back-office and a
later load keeps their version (to retire a seeded sheet for good, unpublish it; a deleted one comes
back at the next load). Run by ``manage.py load_sheets`` (``make run`` does).

English texts live beside them in ``fixtures/sheets/en/<slug>.md`` (``Title`` and ``Summary`` lines, a
blank line, the body). A new sheet is created with them; an existing sheet gets them only while it has
no English text at all and its French text is still exactly the seeded one (a translation of the file
would not match a text staff rewrote). Staff's English is never overwritten either.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation

from osez.cache import bump_data_generation

from .models import Sheet, SheetTheme

FIELDS = {"title": "title", "theme": "theme", "order": "order", "summary": "summary"}


class SheetFileError(ValueError):
    """A sheet file that cannot be loaded; the message names the file and what is wrong."""


@dataclass
class SheetFile:
    slug: str
    title: str
    theme: str
    order: int
    summary: str
    body: str


def default_folder():
    return Path(settings.BASE_DIR) / "fixtures" / "sheets"


def _read(path, fields, shown_name):
    """A sheet file's header (``Name: value`` lines, each name one of ``fields``, all of them present) and
    its body after the blank line; SheetFileError naming the file as ``shown_name`` otherwise."""
    text = Path(path).read_text(encoding="utf-8")
    head, separator, body = text.partition("\n\n")
    meta = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if not colon or key.strip().lower() not in fields:
            raise SheetFileError(f"{shown_name}: ligne d'en-tête inattendue « {line} »")
        meta[fields[key.strip().lower()]] = value.strip()
    missing = [name for name in fields.values() if not meta.get(name)]
    if missing or not separator or not body.strip():
        raise SheetFileError(f"{shown_name}: il manque {', '.join(missing) or 'le texte de la fiche'}")
    return meta, body


def parse(path):
    """Read one sheet file; raise SheetFileError naming the file when it is not a valid sheet."""
    meta, body = _read(path, FIELDS, path.name)
    if meta["theme"] not in SheetTheme.values:
        raise SheetFileError(f"{path.name}: thème inconnu « {meta['theme']} »")
    if not meta["order"].isdigit():
        raise SheetFileError(f"{path.name}: l'ordre doit être un nombre entier, pas « {meta['order']} »")
    return SheetFile(slug=path.stem, body=body.strip(), **{**meta, "order": int(meta["order"])})


TRANSLATION_FIELDS = {"title": "title", "summary": "summary"}
TRANSLATED_LANGUAGES = ("en",)


@dataclass
class SheetTranslation:
    slug: str
    title: str
    summary: str
    body: str


def parse_translation(path):
    """Read one translated sheet file (``Title``, ``Summary``, a blank line, the body)."""
    meta, body = _read(path, TRANSLATION_FIELDS, f"{path.parent.name}/{path.name}")
    return SheetTranslation(slug=path.stem, body=body.strip(), **meta)


def parse_translations(folder, slugs):
    """{language: {slug: SheetTranslation}} for the files of ``folder/<language>/``; a file naming no
    French sheet is an error (a typo in a file name would otherwise be silently ignored)."""
    found = {}
    for language in TRANSLATED_LANGUAGES:
        found[language] = {}
        for path in sorted((Path(folder) / language).glob("*.md")):
            if path.stem not in slugs:
                raise SheetFileError(
                    f"{language}/{path.name}: aucune fiche française ne s'appelle « {path.stem} »"
                )
            found[language][path.stem] = parse_translation(path)
    return found


def _translated_values(translations, slug):
    values = {}
    for language, by_slug in translations.items():
        if slug in by_slug:
            text = by_slug[slug]
            values.update({f"title_{language}": text.title, f"summary_{language}": text.summary})
            values[f"body_{language}"] = text.body
    return values


def _untouched(sheet, file):
    """The sheet still holds exactly the seeded French text."""
    return (sheet.title_fr, sheet.summary_fr, (sheet.body_fr or "").strip()) == (
        file.title,
        file.summary,
        file.body,
    )


def _has_no_text_in(sheet, language):
    return not any((getattr(sheet, f"{name}_{language}") or "").strip() for name in sheet.TRANSLATED_FIELDS)


def load_sheets(folder=None):
    """Create the sheets of ``folder`` that do not exist yet, with their translations; add the translations
    of the files to the existing sheets that have none and whose French text is the seeded one.

    Returns (created slugs, kept slugs, translated slugs). Every file is read and checked before anything
    is written: one bad file loads nothing.
    """
    folder = Path(folder or default_folder())
    files = [parse(path) for path in sorted(folder.glob("*.md"))]
    translations = parse_translations(folder, {f.slug for f in files})
    created, kept, translated = [], [], []
    # The French fields are the default language's: write them whatever language is active.
    with transaction.atomic(), translation.override("fr"):
        existing = {sheet.slug: sheet for sheet in Sheet.objects.filter(slug__in=[f.slug for f in files])}
        for file in files:
            values = _translated_values(translations, file.slug)
            sheet = existing.get(file.slug)
            if sheet is not None:
                kept.append(file.slug)
                missing = {
                    name: value
                    for name, value in values.items()
                    if _has_no_text_in(sheet, name.rsplit("_", 1)[1])
                }
                if missing and _untouched(sheet, file):
                    # update(): no save() signal dance, and updated_at is the staff's last edit.
                    Sheet.objects.filter(pk=sheet.pk).update(**missing)
                    translated.append(file.slug)
                continue
            Sheet.objects.create(
                slug=file.slug,
                title=file.title,
                theme=file.theme,
                order=file.order,
                summary=file.summary,
                body=file.body,
                is_published=True,
                **values,
            )
            created.append(file.slug)
    if translated:
        bump_data_generation("sheet translations loaded")
    return created, kept, translated
