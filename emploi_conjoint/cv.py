"""Checks on an uploaded CV: size, and a type read from the content (PDF, DOCX or ODT), never from the name."""

import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
# Bounds on what an archive-based document (DOCX, ODT) may expand to. A real CV of a few pages holds a
# few dozen members of a few hundred kilobytes; a "zip bomb" declares (or hides) hundreds of megabytes.
MAX_MEMBERS = 500
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_EXPANDED_BYTES = 50 * 1024 * 1024
# The members read to tell the kind of document: read through a bounded stream, never whole.
DECLARATION_READ_BYTES = 256 * 1024
# Markup that a browser would run if the file were ever shown as a page: a CV never needs it in its
# first bytes, a polyglot ("%PDF" then <script>) does.
HTML_MARKERS = (b"<script", b"<html", b"<body", b"<iframe", b"<svg", b"<!doctype html", b"javascript:")
ACCEPTED_LABEL = "PDF, DOCX (Word) ou ODT (LibreOffice)"

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ODT_MIME = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "odt": ".odt"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": ODT_MIME,
}


class ArchiveTooLarge(Exception):
    """An archive whose members (declared or really read) go over the bounds above."""


@dataclass
class CheckedCV:
    kind: str  # "pdf", "docx" or "odt"
    size: int

    @property
    def extension(self):
        return EXTENSIONS[self.kind]

    @property
    def content_type(self):
        return CONTENT_TYPES[self.kind]


def _bounded_read(archive, name, limit=DECLARATION_READ_BYTES):
    """Read at most ``limit`` bytes of a member, decompressing no more than that.

    ``ZipFile.read()`` would inflate the whole member whatever its declared size: a 400 KB
    ``[Content_Types].xml`` expanding to 400 MB would be held in memory in full.
    """
    with archive.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise ArchiveTooLarge(name)
    return data


def _check_archive_bounds(archive):
    """Refuse an archive with too many members, or members declared too large, before reading any."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ArchiveTooLarge("members")
    total = 0
    for info in members:
        if info.file_size > MAX_MEMBER_BYTES:
            raise ArchiveTooLarge(info.filename)
        total += info.file_size
        if total > MAX_EXPANDED_BYTES:
            raise ArchiveTooLarge("total")


def _zip_document_kind(uploaded):
    """Open the zip and read what it declares itself to be.

    filetype only looks at the first kilobytes: it cannot tell a Word document from any zip whose first
    entries happen to be named like one (a renamed archive, a macro-enabled .docm, a spreadsheet). The
    declaration inside the container is what office suites themselves trust: ``[Content_Types].xml``
    for DOCX, the ``mimetype`` entry for ODT.
    """
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            _check_archive_bounds(archive)
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and _bounded_read(archive, "mimetype", 200).strip().decode("ascii", "replace") == ODT_MIME
            ):
                return "odt"
            if "[Content_Types].xml" in names:
                content_types = _bounded_read(archive, "[Content_Types].xml").decode("utf-8", "replace")
                # "main+xml" exactly: the macro-enabled variant declares another type and is refused.
                if f'ContentType="{DOCX_MAIN}"' in content_types:
                    return "docx"
    except ArchiveTooLarge:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, EOFError, ValueError, NotImplementedError):
        return None
    finally:
        uploaded.seek(0)
    return None


def check_cv(uploaded):
    """Return a CheckedCV, or raise ValidationError with a message a person can act on."""
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(
            _("Le fichier est vide : vérifiez que vous avez choisi le bon CV."), code="empty"
        )
    if size > MAX_BYTES:
        raise ValidationError(
            _("Le fichier pèse %(size)s : la limite est de 5 Mo. Enregistrez le CV en PDF pour l'alléger.")
            % {"size": filesizeformat(size)},
            code="too_big",
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    guessed = filetype.guess(head)
    kind = None
    if guessed is not None and guessed.extension == "pdf":
        kind = "pdf"
    elif guessed is not None and guessed.extension in {"docx", "odt", "zip"}:
        try:
            kind = _zip_document_kind(uploaded)
        except ArchiveTooLarge:
            raise ValidationError(
                _(
                    "Ce document se décompresse en un volume anormal (plus de %(size)s ou plus de %(count)s "
                    "éléments) : ce n'est pas un CV ordinaire. Enregistrez-le en PDF et envoyez ce PDF."
                )
                % {"size": filesizeformat(MAX_EXPANDED_BYTES), "count": MAX_MEMBERS},
                code="archive_too_large",
            ) from None
    if kind == "pdf" and _looks_like_markup(uploaded):
        raise ValidationError(
            _(
                "Ce fichier commence comme un PDF mais contient du code de page web : il est refusé par "
                "précaution. Enregistrez de nouveau le CV en PDF depuis votre traitement de texte."
            ),
            code="polyglot",
        )
    if kind is None:
        raise ValidationError(
            _(
                "Ce fichier n'est pas un CV accepté : son contenu est %(what)s. Formats acceptés : %(accepted)s. "
                "Le nom du fichier ne suffit pas : c'est son contenu qui est vérifié."
            )
            % {"what": _describe(guessed), "accepted": ACCEPTED_LABEL},
            code="bad_type",
        )
    return CheckedCV(kind=kind, size=size)


def _looks_like_markup(uploaded):
    """Whether the first bytes hold HTML or script markup (a PDF/HTML polyglot)."""
    uploaded.seek(0)
    head = uploaded.read(64 * 1024).lower()
    uploaded.seek(0)
    return any(marker in head for marker in HTML_MARKERS)


def _describe(guessed):
    """What the file really is, in words a person understands (no MIME types)."""
    if guessed is None:
        return _("un format non reconnu (page web, texte ou autre)")
    if guessed.extension in {"exe", "elf", "dll", "msi", "wasm", "crx"} or "executable" in guessed.mime:
        return _("un programme, pas un document")
    if guessed.mime.startswith("image/"):
        return _("une image (%(ext)s)") % {"ext": guessed.extension.upper()}
    if guessed.extension in {"zip", "docx", "odt"}:
        return _("une archive ou un document dont l'intérieur n'est pas un texte Word ou LibreOffice")
    if guessed.extension in {"doc", "rtf"}:
        return _("un ancien format Word (%(ext)s) : enregistrez-le en PDF ou DOCX") % {
            "ext": guessed.extension.upper()
        }
    return _("un fichier %(ext)s") % {"ext": guessed.extension.upper()}
