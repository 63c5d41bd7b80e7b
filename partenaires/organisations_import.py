"""CSV import of partner organisations (companies, public employers, recruiters): validate every row (SIRET, NAF, code INSEE…), preview, then upsert on SIRET."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from communes.models import Commune
from communes.text import fold
from osez import csv_import

from .enums import OrganisationKind, SizeBand
from .models import Organisation

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# La Poste's establishments share one SIREN and follow their own check rule instead of Luhn (INSEE rule).
LA_POSTE_SIREN = "356000000"

# Accepted header spellings (folded) for each field: people export from spreadsheets with their own headers.
HEADERS = {
    "name": ["nom", "raison sociale", "denomination", "entreprise", "organisation"],
    "kind": ["type", "categorie", "nature"],
    "siret": ["siret"],
    "naf": ["naf", "code naf", "ape", "code ape", "activite", "activite naf"],
    "sector": ["secteur", "secteur d activite"],
    "code_insee": ["code insee", "code commune", "insee", "commune insee"],
    "size_band": ["effectif", "tranche d effectif", "taille"],
    "business_club": ["club", "club d entreprises", "club entreprises"],
    "website": ["site", "site web", "site internet"],
}
KIND_WORDS = {
    OrganisationKind.EMPLOYER: ["employeur", "entreprise", "employer"],
    OrganisationKind.RECRUITER: [
        "recrutement",
        "cabinet",
        "agence",
        "cabinet de recrutement",
        "agence de recrutement",
        "interim",
        "agence d interim",
        "recruiter",
    ],
    OrganisationKind.INSTITUTION: ["institution", "institution publique"],
    OrganisationKind.ASSOCIATION: ["association"],
    OrganisationKind.OTHER: ["autre"],
}
SIZE_WORDS = {
    SizeBand.MICRO: ["0-9", "0 a 9", "0 9", "tpe"],
    SizeBand.SMALL: ["10-49", "10 a 49", "10 49", "pe"],
    SizeBand.MEDIUM: ["50-249", "50 a 249", "50 249", "pme", "me"],
    SizeBand.LARGE: ["250+", "250 et plus", "250", "ge", "eti"],
}
NAF_RE = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")


def luhn_ok(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def check_siret(raw):
    """Return (normalised SIRET, error message or None)."""
    siret = re.sub(r"[\s.\-]", "", raw or "")
    if not siret:
        return "", _("SIRET manquant : il sert à reconnaître l'organisation quand on réimporte un fichier.")
    if not re.fullmatch(r"\d{14}", siret):
        return siret, _("SIRET « %(value)s » : il faut 14 chiffres.") % {"value": raw}
    if siret.startswith(LA_POSTE_SIREN):
        # Its head office passes Luhn, its thousands of post offices pass the digit-sum rule.
        if not luhn_ok(siret) and sum(int(c) for c in siret) % 5:
            return siret, _("SIRET « %(value)s » : numéro de La Poste invalide.") % {"value": raw}
    elif not luhn_ok(siret):
        return siret, _("SIRET « %(value)s » : la clé de contrôle est fausse (faute de frappe ?).") % {
            "value": raw
        }
    return siret, None


def check_naf(raw):
    value = (raw or "").strip().upper().replace(" ", "")
    if not value:
        return "", None
    match = NAF_RE.match(value)
    if not match:
        return value, _("Code NAF « %(value)s » : format attendu 62.01Z (4 chiffres et une lettre).") % {
            "value": raw
        }
    return f"{match[1]}.{match[2]}{match[3]}", None


def _lookup(words_by_value, raw):
    folded = fold(raw)
    if not folded:
        return None
    for value, words in words_by_value.items():
        if folded in words or folded == fold(str(value.label)):
            return value
    return None


@dataclass
class Row:
    line: int
    name: str
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    existing: bool = False


class Preview(csv_import.Preview):
    @property
    def to_create(self):
        return [r for r in self.valid if not r.existing]

    @property
    def to_update(self):
        return [r for r in self.valid if r.existing]


def preview(text):
    """Parse and validate the whole file; nothing is written."""
    try:
        return _preview(text)
    except csv.Error:
        return Preview([], csv_import.not_a_csv_message())


def _preview(text):
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        # The sniffer gives up on short or irregular files: the header line alone tells.
        first_line = sample.split("\n", 1)[0]
        delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return Preview([], _("Le fichier est vide."))
    columns = {}
    for index, title in enumerate(header):
        folded = fold(title)
        for key, spellings in HEADERS.items():
            if folded in spellings and key not in columns:
                columns[key] = index
    missing = [label for key, label in (("name", "nom"), ("siret", "siret")) if key not in columns]
    if missing:
        return Preview(
            [],
            _("Colonnes obligatoires absentes : %(missing)s. Colonnes lues : %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(header) or "—"},
        )
    communes = set(Commune.objects.values_list("code_insee", flat=True))
    # Names already in the network, folded ("Hôpital X" and "HOPITAL X" are one name), with their SIRET.
    known_names = {
        fold(name): (name, siret) for name, siret in Organisation.objects.values_list("name", "siret")
    }
    rows, seen, seen_names = [], {}, {}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            return Preview([], _("Trop de lignes : %(max)s au plus par fichier.") % {"max": MAX_ROWS})

        def cell(key, cells=cells):
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        row = Row(line=line, name=cell("name"))
        if not row.name:
            row.errors.append(_("Nom manquant."))
        siret, error = check_siret(cell("siret"))
        if error:
            row.errors.append(error)
        elif siret in seen:
            row.errors.append(_("SIRET déjà présent ligne %(line)s de ce fichier.") % {"line": seen[siret]})
        else:
            seen[siret] = line
        folded_name = fold(row.name)
        if row.name and folded_name in seen_names:
            row.errors.append(
                _(
                    "Nom « %(name)s » déjà présent ligne %(line)s de ce fichier : s'il s'agit d'un autre "
                    "établissement, ajoutez la commune au nom (par exemple « %(name)s — Troyes »)."
                )
                % {"name": row.name, "line": seen_names[folded_name]}
            )
        elif row.name:
            seen_names[folded_name] = line
            known = known_names.get(folded_name)
            if known and not error and known[1] != siret:
                row.errors.append(
                    _(
                        "Une organisation « %(existing)s » existe déjà dans le réseau (SIRET %(siret)s) : "
                        "corrigez le SIRET si c'est elle, ou ajoutez la commune au nom si c'est un autre "
                        "établissement."
                    )
                    % {"existing": known[0], "siret": known[1] or _("non renseigné")}
                )
        naf, error = check_naf(cell("naf"))
        if error:
            row.errors.append(error)
        kind = OrganisationKind.EMPLOYER
        if cell("kind"):
            kind = _lookup(KIND_WORDS, cell("kind"))
            if kind is None:
                row.errors.append(
                    _(
                        "Type « %(value)s » inconnu : employeur, recrutement, institution, association ou autre."
                    )
                    % {"value": cell("kind")}
                )
        code = cell("code_insee")
        if code and len(code) == 4 and code.isdigit():
            code = "0" + code  # spreadsheets drop the leading zero of départements 01 to 09
        if code and code not in communes:
            row.errors.append(_("Code INSEE « %(value)s » : commune inconnue.") % {"value": code})
        size = ""
        if cell("size_band"):
            size = _lookup(SIZE_WORDS, cell("size_band"))
            if size is None:
                row.errors.append(
                    _("Effectif « %(value)s » non reconnu : 0-9, 10-49, 50-249 ou 250+.")
                    % {"value": cell("size_band")}
                )
        website = cell("website")
        if website and not re.match(r"^https?://", website):
            website = "https://" + website
        row.values = {
            "name": row.name[:200],
            "kind": kind,
            "siret": siret,
            "naf": naf,
            "sector": cell("sector")[:120],
            "commune_id": code or None,
            "size_band": size or "",
            "business_club": cell("business_club")[:200],
            "website": website[:200],
        }
        rows.append(row)
    existing = set(
        Organisation.objects.filter(siret__in=[r.values["siret"] for r in rows if not r.errors]).values_list(
            "siret", flat=True
        )
    )
    for row in rows:
        row.existing = row.values.get("siret") in existing
    return Preview(rows)


@transaction.atomic
def apply(preview_result):
    """Upsert the valid rows on SIRET; return (created, updated). Rejected rows are left out."""
    created = updated = 0
    for row in preview_result.valid:
        values = dict(row.values)
        siret = values.pop("siret")
        # An empty cell in the file must not erase what staff typed by hand.
        defaults = {k: v for k, v in values.items() if v not in ("", None) or k == "name"}
        _org, was_created = Organisation.objects.update_or_create(siret=siret, defaults=defaults)
        created += was_created
        updated += not was_created
    return created, updated
