"""Households of a group arrival from a CSV file: every row checked, a preview (rows ready, rows set aside
with their reason), nothing stored until a person confirms — as the territory layers' uploads do.

Columns (a header row; `;` or `,`): nom, prenom, courriel, telephone, adultes, enfants (birth years
separated by spaces), arrivee (JJ/MM/AAAA or AAAA-MM-JJ), vient_de. nom and one of courriel/telephone
are required. A row whose e-mail is already in this file or in an open dossier is set aside: the group
must not open two dossiers for one family.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.text import fold
from osez.csv_import import Preview, not_a_csv_message

from .enums import Stage
from .models import Household

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000
HEADERS = {
    "last_name": ["nom", "nom de famille"],
    "first_name": ["prenom"],
    "email": ["courriel", "email", "e mail", "mail", "adresse electronique"],
    "phone": ["telephone", "tel", "portable"],
    "adults": ["adultes", "nombre d adultes"],
    "children": ["enfants", "annees de naissance des enfants"],
    "arrival_date": ["arrivee", "date d arrivee"],
    "origin": ["vient de", "origine", "ville d origine"],
}


@dataclass
class Row:
    line: int
    values: dict
    errors: list = field(default_factory=list)

    @property
    def name(self):
        return f"{self.values.get('first_name', '')} {self.values.get('last_name', '')}".strip()


def _columns(header):
    folded = [fold(h).replace("_", " ").strip() for h in header]
    found = {}
    for key, names in HEADERS.items():
        for index, name in enumerate(folded):
            if name in names:
                found[key] = index
                break
    return found


def _date(text):
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _check(row, seen_emails, taken_emails):
    v = row.values
    this_year = timezone.localdate().year
    if not v["last_name"]:
        row.errors.append(_("Le nom manque."))
    if not v["email"] and not v["phone"]:
        row.errors.append(_("Ni courriel ni téléphone : le service ne pourrait pas joindre la famille."))
    if v["email"]:
        try:
            validate_email(v["email"])
        except Exception:
            row.errors.append(_("« %(value)s » n'est pas une adresse électronique.") % {"value": v["email"]})
        else:
            key = v["email"].lower()
            if key in seen_emails:
                row.errors.append(
                    _("Même courriel que la ligne %(line)d : une famille, un dossier.")
                    % {"line": seen_emails[key]}
                )
            elif key in taken_emails:
                row.errors.append(
                    _("Un dossier ouvert existe déjà avec ce courriel (%(ref)s).")
                    % {"ref": taken_emails[key]}
                )
            else:
                seen_emails[key] = row.line
    adults = v["adults"] or "1"
    if not adults.isdigit() or not 1 <= int(adults) <= 8:
        row.errors.append(_("« %(value)s » adultes : indiquez un nombre de 1 à 8.") % {"value": adults})
    else:
        v["adults"] = int(adults)
    years = []
    for part in v["children"].replace(",", " ").replace(";", " ").split():
        if not part.isdigit() or not this_year - 30 <= int(part) <= this_year + 1:
            row.errors.append(_("« %(value)s » n'est pas une année de naissance d'enfant.") % {"value": part})
            break
        years.append(int(part))
    v["children"] = years
    if v["arrival_date"]:
        day = _date(v["arrival_date"])
        if day is None:
            row.errors.append(
                _("« %(value)s » n'est pas une date (JJ/MM/AAAA).") % {"value": v["arrival_date"]}
            )
        v["arrival_date"] = day
    else:
        v["arrival_date"] = None


def preview(text):
    """Parse and check the whole file; nothing is written."""
    try:
        sample = text[:2000]
        dialect = csv.Sniffer().sniff(sample, delimiters=";,") if sample.strip() else csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        header = next(reader, None)
        if not header:
            return Preview([], _("Le fichier est vide."))
        columns = _columns(header)
        missing = [name for name in ("last_name",) if name not in columns]
        if missing or not ({"email", "phone"} & set(columns)):
            return Preview(
                [],
                _(
                    "Colonnes attendues : nom, prenom, courriel ou telephone (puis adultes, enfants, arrivee, "
                    "vient_de). Colonnes trouvées : %(found)s."
                )
                % {"found": ", ".join(h for h in header if h.strip()) or "—"},
            )
        taken = dict(
            Household.objects.exclude(stage=Stage.CLOSED).exclude(email="").values_list("email", "reference")
        )
        taken = {email.lower(): ref for email, ref in taken.items()}
        rows, seen = [], {}
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                return Preview([], _("Plus de %(n)d lignes : découpez le fichier.") % {"n": MAX_ROWS})
            values = {
                key: (cells[index].strip() if index < len(cells) else "") for key, index in columns.items()
            }
            for key in HEADERS:
                values.setdefault(key, "")
            row = Row(number, values)
            _check(row, seen, taken)
            rows.append(row)
        if not rows:
            return Preview([], _("Le fichier n'a aucune ligne de famille sous son en-tête."))
        return Preview(rows)
    except csv.Error:
        return Preview([], not_a_csv_message())


__all__ = ["MAX_BYTES", "preview"]
