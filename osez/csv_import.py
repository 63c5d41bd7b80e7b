"""What every CSV import with a preview shares (partner organisations, group arrivals): reading the bytes
a spreadsheet saved, the preview's rows split into ready and set aside, and the message for a file that
is not a CSV at all. Each import keeps its own columns and checks."""

from dataclasses import dataclass

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
