"""The practical sheets the site starts with, read from ``fixtures/sheets/`` (one Markdown file each).

A sheet file is named by its slug (``se-deplacer.md``) and starts with a few ``Key: value`` lines —
``Title``, ``Theme`` (a ``SheetTheme`` value), ``Order``, ``Summary`` — then a blank line and the
Markdown body: the metadata format of Python-Markdown's ``meta`` extension, parsed here in a few lines
since only these four keys exist. Loading creates the sheets that do not exist yet, published, and never
touches one that does: staff rewrite, unpublish or reorder the seeded sheets in the back-office and a
later load keeps their version (to retire a seeded sheet for good, unpublish it; a deleted one comes
back at the next load). Run by ``manage.py load_sheets`` (``make run`` does).
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

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


def parse(path):
    """Read one sheet file; raise SheetFileError naming the file when it is not a valid sheet."""
    text = Path(path).read_text(encoding="utf-8")
    head, separator, body = text.partition("\n\n")
    meta = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if not colon or key.strip().lower() not in FIELDS:
            raise SheetFileError(f"{path.name}: ligne d'en-tête inattendue « {line} »")
        meta[FIELDS[key.strip().lower()]] = value.strip()
    missing = [name for name in FIELDS.values() if not meta.get(name)]
    if missing or not separator or not body.strip():
        raise SheetFileError(f"{path.name}: il manque {', '.join(missing) or 'le texte de la fiche'}")
    if meta["theme"] not in SheetTheme.values:
        raise SheetFileError(f"{path.name}: thème inconnu « {meta['theme']} »")
    if not meta["order"].isdigit():
        raise SheetFileError(f"{path.name}: l'ordre doit être un nombre entier, pas « {meta['order']} »")
    return SheetFile(slug=path.stem, body=body.strip(), **{**meta, "order": int(meta["order"])})


def load_sheets(folder=None):
    """Create the sheets of ``folder`` that do not exist yet; returns (created slugs, kept slugs).

    Every file is read and checked before anything is written: one bad file loads nothing.
    """
    files = [parse(path) for path in sorted(Path(folder or default_folder()).glob("*.md"))]
    created, kept = [], []
    with transaction.atomic():
        existing = set(Sheet.objects.filter(slug__in=[f.slug for f in files]).values_list("slug", flat=True))
        for sheet in files:
            if sheet.slug in existing:
                kept.append(sheet.slug)
                continue
            Sheet.objects.create(
                slug=sheet.slug,
                title=sheet.title,
                theme=sheet.theme,
                order=sheet.order,
                summary=sheet.summary,
                body=sheet.body,
                is_published=True,
            )
            created.append(sheet.slug)
    return created, kept
