"""Checks on an uploaded CV: size, and a type read from the content (PDF, DOCX or ODT), never from the name."""

import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
ACCEPTED_LABEL = "PDF, DOCX (Word) ou ODT (LibreOffice)"

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ODT_MIME = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "odt": ".odt"}


@dataclass
class CheckedCV:
    kind: str  # "pdf", "docx" or "odt"
    size: int

    @property
    def extension(self):
        return EXTENSIONS[self.kind]


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
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and archive.read("mimetype").strip().decode("ascii", "replace") == ODT_MIME
            ):
                return "odt"
            if "[Content_Types].xml" in names:
                content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
                # "main+xml" exactly: the macro-enabled variant declares another type and is refused.
                if f'ContentType="{DOCX_MAIN}"' in content_types:
                    return "docx"
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
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
        kind = _zip_document_kind(uploaded)
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
