"""Checks on a message attachment: size, and a type read from the content (PDF, JPEG, PNG), never the name."""

from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
ACCEPTED = {"pdf": ".pdf", "jpg": ".jpg", "png": ".png"}


@dataclass
class CheckedAttachment:
    kind: str
    size: int

    @property
    def extension(self):
        return ACCEPTED[self.kind]


def check_attachment(uploaded):
    """Return a CheckedAttachment, or raise ValidationError with a message a family can act on."""
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(_("Le fichier joint est vide : choisissez-le à nouveau."), code="empty")
    if size > MAX_BYTES:
        raise ValidationError(
            _("Le fichier joint pèse %(size)s : la limite est de 5 Mo.") % {"size": filesizeformat(size)},
            code="too_big",
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    guessed = filetype.guess(head)
    kind = guessed.extension if guessed is not None else None
    # A PDF must start with its signature; filetype also finds one a little further in, which viewers refuse.
    if kind == "pdf" and not head.startswith(b"%PDF-"):
        kind = None
    if kind not in ACCEPTED:
        raise ValidationError(
            _(
                "Ce fichier n'est pas accepté : seuls les PDF et les images JPEG ou PNG peuvent être joints. "
                "C'est le contenu du fichier qui est vérifié, pas son nom."
            ),
            code="bad_type",
        )
    return CheckedAttachment(kind=kind, size=size)
