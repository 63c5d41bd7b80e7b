"""What every CSV import with a preview shares (partner organisations, group arrivals): the upload form,
reading the bytes a spreadsheet saved, the preview's rows split into ready and set aside, the message for
a file that is not a CSV at all, and the two steps of the page (upload and preview, nothing written; then
confirm, and the text kept in the session is checked again and imported). Each import keeps its own
columns and checks."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _


def decode(data):
    """Spreadsheets save CSV as UTF-8 (with or without BOM) or Windows-1252; try them in that order."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


@dataclass
class Preview:
    """The checked rows of a file (each with its ``errors``), or the reason the whole file was refused."""

    rows: list
    header_error: str = ""

    @property
    def valid(self):
        return [r for r in self.rows if not r.errors]

    @property
    def rejected(self):
        return [r for r in self.rows if r.errors]


def not_a_csv_message():
    """A spreadsheet saved as .xlsx, or another binary file renamed .csv."""
    return _(
        "Ce fichier ne se lit pas comme un CSV. Depuis votre tableur, choisissez "
        "« Enregistrer sous » puis le format « CSV UTF-8 (séparateur point-virgule) »."
    )


class CsvFileForm(forms.Form):
    """The upload of an import: a subclass declares its ``file`` field (its help names the columns), the
    largest size it takes (``max_bytes``) and the message saying so (``too_big``)."""

    max_bytes = 1024 * 1024
    too_big = ""

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.size:
            raise forms.ValidationError(_("Le fichier est vide."))
        if uploaded.size > self.max_bytes:
            raise forms.ValidationError(self.too_big)
        return uploaded


def preview_upload(request, form, preview, session_key):
    """Step 1: the preview of a valid upload (None for an invalid form). A file with rows ready to import
    is kept in the session under ``session_key`` for step 2."""
    if not form.is_valid():
        return None
    text = decode(form.cleaned_data["file"].read())
    result = preview(text)
    if result.valid and not result.header_error:
        request.session[session_key] = text
    return result


def kept_upload(request, session_key):
    """Step 2: the text kept by step 1, or None, with a message, when the preview has expired."""
    text = request.session.get(session_key)
    if not text:
        messages.error(request, _("L'aperçu a expiré : envoyez le fichier à nouveau."))
    return text
