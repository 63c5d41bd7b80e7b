"""Territory layers: a partner's CSV or spreadsheet checked line by line, previewed, then published as places.

Three rules a partner's file cannot break:

- **Every line is accounted for.** A CSV is read one physical line at a time: a field that opens a quote
  and never closes it is that line's problem (rejected with its reason), never a reason to swallow the
  lines after it. The preview says how many data lines the file has, and how many were accepted,
  rejected (each with its reason) or empty: they add up.
- **No personal data in open data.** A layer about people (childminders, doctors) is published as a
  count per commune, or as a named entry only where the file says the person agreed — and even then
  never with a home address, a phone, an e-mail or a point on a map.
- **The shrink guard applies.** A file that would take more than ``OSEZ_MAX_SHRINK`` of the layer's
  published places off the site is refused, unless a person confirms it, with a reason, and that
  confirmation is recorded with the import.
"""

import csv
import hashlib
import io
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .catalog import territory_source_slug
from .enums import ImportOutcome, PositionQuality, SourceState, UploadState
from .geo import haversine_km
from .sources.download import looks_like_html
from .sources.errors import SourceError
from .sources.publish import publish_places
from .sources.rows import Batch, CommuneInfo, to_float
from .text import fold

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000

# Layers whose entries are people, not establishments: a childminder works at home, a doctor's list of
# new patients is about one person. Establishments (MAM, relais, associations) are not in this list.
PEOPLE_LAYERS = frozenset({"assistantes-maternelles", "medecins-nouveaux-patients"})

# Partners name their columns as they like: fold the header and map the usual spellings.
ALIASES = {
    "code_commune": "code_commune", "code_insee": "code_commune", "insee": "code_commune", "codgeo": "code_commune",
    "commune": "commune", "nom_commune": "commune", "ville": "commune",
    "code_postal": "code_postal", "cp": "code_postal", "codepostal": "code_postal",
    "nom": "nom", "name": "nom", "raison_sociale": "nom", "denomination": "nom", "libelle": "nom",
    "adresse": "adresse", "address": "adresse",
    "latitude": "latitude", "lat": "latitude", "longitude": "longitude", "lon": "longitude", "lng": "longitude",
    "nombre": "nombre", "nb": "nombre", "effectif": "nombre", "places": "nombre",
    "identifiant": "identifiant", "id": "identifiant", "reference": "identifiant",
    "telephone": "telephone", "tel": "telephone", "site": "site", "site_web": "site", "web": "site",
    "site_internet": "site", "email": "email", "mail": "email", "courriel": "email", "e_mail": "email",
    "consentement": "consentement", "accord": "consentement", "consent": "consentement",
    "accord_publication": "consentement", "consentement_publication": "consentement",
}  # fmt: skip
CONTACTS = ("telephone", "site", "email")
YES = {"oui", "o", "yes", "y", "1", "true", "vrai", "x"}


class UploadError(SourceError):
    """The whole file is unusable (format, columns), or publishing it is refused: a French message."""


class ShrinkRefused(UploadError):
    """Publishing would take more than OSEZ_MAX_SHRINK of the layer's places off the site."""

    def __init__(self, accepted, previous):
        self.accepted, self.previous = accepted, previous
        shrink = 1 - accepted / previous
        super().__init__(
            f"ce fichier ne compte que {accepted} lieux contre {previous} publiés aujourd'hui "
            f"(-{shrink:.0%}, plus de {settings.OSEZ_MAX_SHRINK:.0%}) : la publication retirerait les autres "
            "du site. Rien n'a été publié. Si ces lieux ont vraiment disparu, confirmez en donnant la raison."
        )


def is_people_layer(layer):
    return getattr(layer, "slug", layer) in PEOPLE_LAYERS


@dataclass
class CheckedFile:
    accepted: list
    rejected: list
    data_lines: int  # lines after the header, the last line break excluded
    blank_lines: int


# --- reading the file, one line at a time --------------------------------------------------------


def _decode(data):
    """The whole file's text, its encoding decided from every line: UTF-8, else Windows-1252, never mixed."""
    if looks_like_html(data[:1024]):
        raise UploadError("le fichier est une page HTML (page d'erreur ?) et non un tableau")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    utf8_lines, other_lines = [], []
    for number, raw in enumerate(data.splitlines(), start=1):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
            utf8_lines.append(number)
        except UnicodeDecodeError:
            other_lines.append(number)
    if utf8_lines:
        shown = ", ".join(str(n) for n in other_lines[:10])
        raise UploadError(
            f"encodage mélangé : les lignes {shown} ne sont pas en UTF-8 alors que d'autres le sont "
            "(accents illisibles) ; enregistrez le fichier en « CSV UTF-8 » et déposez-le à nouveau"
        )
    return data.decode("cp1252", errors="replace")


def _csv_lines(data):
    """(header, iterator of (line number, values or None, reason)) for a CSV, one physical line each."""
    text = _decode(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the line break that ends the last line is not a line of its own
    if not lines or not lines[0].strip():
        raise UploadError("le fichier est vide (pas de ligne d'en-tête)")
    counts = {d: lines[0].count(d) for d in (";", ",", "|", "\t")}
    delimiter = max(counts, key=counts.get)
    try:
        header = next(csv.reader([lines[0]], delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise UploadError(f"ligne d'en-tête illisible : {exc}") from exc
    header = [h.strip().strip('"').lstrip("\ufeff") for h in header]

    def rows():
        for number, line in enumerate(lines[1:], start=2):
            try:
                values = next(csv.reader([line], delimiter=delimiter, strict=True), [])
            except csv.Error:
                yield (
                    number,
                    None,
                    (
                        "guillemet ouvert mais pas refermé (ou mal placé) dans la ligne : elle est ignorée, "
                        "les lignes suivantes sont lues normalement"
                    ),
                )
                continue
            yield number, values, ""

    return header, rows()


def _xlsx_lines(data):
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
        raise UploadError(f"tableur illisible : {exc}") from exc
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise UploadError("le tableur est vide")

    def values():
        for number, row in enumerate(rows, start=2):
            cells = ["" if v is None else str(v) if not isinstance(v, float) else repr(v) for v in row]
            yield number, cells, ""

    return [str(h or "") for h in header], values()


def _table_lines(file_name, data):
    if file_name.lower().endswith(".xlsx") or data[:2] == b"PK":
        return _xlsx_lines(data)
    if file_name.lower().endswith(".xls"):
        raise UploadError("format .xls non pris en charge : enregistrez le fichier en .xlsx ou .csv")
    return _csv_lines(data)


def normalise_header(header):
    return [ALIASES.get(fold(h).replace(" ", "_"), fold(h).replace(" ", "_")) for h in header]


def _commune_lookup(departements):
    from .models import Commune

    by_code, by_name, names = {}, {}, {}
    for code, name, postcodes, lat, lon, surface in Commune.objects.filter(
        departement_id__in=departements, is_active=True
    ).values_list("code_insee", "name", "postcodes", "latitude", "longitude", "surface_ha"):
        info = CommuneInfo(code, "", lat, lon, 15.0 + 3 * ((surface or 0) / 100 / 3.1416) ** 0.5)
        by_code[code] = info
        names[code] = name
        for postcode in postcodes or []:
            by_name[(fold(name), postcode)] = info
    return by_code, by_name, names


# --- checking rows -------------------------------------------------------------------------------


def check_file(layer, file_name, data, departements=None):
    """Parse and check a partner's file: (accepted lines as dicts, rejected lines with reasons)."""
    checked = inspect_file(layer, file_name, data, departements)
    return checked.accepted, checked.rejected


def inspect_file(layer, file_name, data, departements=None):
    """Parse and check a partner's file, counting every line (see CheckedFile)."""
    try:
        return _check_file(layer, file_name, data, departements)
    except UploadError:
        raise
    except SourceError as exc:
        raise UploadError(str(exc)) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UploadError(f"fichier illisible : {exc}") from exc


def _check_file(layer, file_name, data, departements):
    if not data or not data.strip():
        raise UploadError("le fichier est vide")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError("le fichier dépasse 5 Mo")
    header, lines = _table_lines(file_name, data)
    columns = normalise_header(header)
    present = set(columns)
    if "code_commune" not in present and not {"commune", "code_postal"} <= present:
        raise UploadError(
            "colonnes manquantes : il faut « code_commune » (code INSEE) ou « commune » et « code_postal » "
            f"(colonnes trouvées : {', '.join(header)})"
        )
    counted = "nombre" in (layer.columns or []) or is_people_layer(layer)
    if "nom" not in present and not (counted and "nombre" in present):
        raise UploadError(f"colonne « nom » manquante (colonnes trouvées : {', '.join(header)})")
    if ("latitude" in present) != ("longitude" in present):
        raise UploadError("les colonnes « latitude » et « longitude » vont ensemble")
    by_code, by_name, _names = _commune_lookup(departements or settings.OSEZ_DEPARTEMENTS)
    accepted, rejected, keys = [], [], set()
    data_lines = blank_lines = 0
    for line, raw, problem in lines:
        data_lines += 1
        if data_lines > MAX_ROWS:
            raise UploadError(f"plus de {MAX_ROWS} lignes : découpez le fichier")
        if raw is not None and not any(str(v).strip() for v in raw):
            blank_lines += 1
            continue
        row = (
            {} if raw is None else {col: str(value).strip() for col, value in zip(columns, raw, strict=False)}
        )
        name = row.get("nom", "")

        def reject(reason, row=row, line=line, name=name):
            rejected.append({"ligne": line, "nom": name, "raison": reason, "valeurs": row})

        if raw is None:
            reject(problem)
            continue
        extra = [v for v in raw[len(columns) :] if str(v).strip()]
        if extra:
            reject(
                f"{len(columns) + len(extra)} champs au lieu de {len(columns)} (séparateur en trop dans une valeur ?)"
            )
            continue
        commune = by_code.get(row.get("code_commune", "").zfill(5)) if row.get("code_commune") else None
        if commune is None and row.get("commune"):
            commune = by_name.get((fold(row["commune"]), row.get("code_postal", "")))
        if commune is None:
            reject("commune introuvable dans le territoire (code INSEE, ou nom et code postal)")
            continue
        try:
            lat, lon = to_float(row.get("latitude")), to_float(row.get("longitude"))
            count = row.get("nombre", "")
            count = int(float(count.replace(",", "."))) if count else None
            if count is not None and count < 0:
                raise ValueError(count)
        except ValueError:
            reject("valeur invalide (coordonnées ou nombre)")
            continue
        if (lat is None) != (lon is None):
            reject("coordonnées incomplètes")
            continue
        if lat is not None and commune.latitude is not None:
            distance = haversine_km(lat, lon, commune.latitude, commune.longitude)
            if distance > commune.max_km:
                reject(f"coordonnées à {distance:.0f} km de la commune, hors du territoire")
                continue
        if not name:
            if count is None:
                reject("nom manquant")
                continue
            name = f"{layer.name} — {commune.code}"
        ref = (
            row.get("identifiant")
            or f"{commune.code}-{hashlib.blake2b(fold(name).encode(), digest_size=6).hexdigest()}"
        )
        if ref in keys:
            reject(f"ligne en double ({ref})")
            continue
        keys.add(ref)
        attributes = {"nombre": count} if count is not None else {}
        accepted.append(
            {
                "ligne": line, "ref": ref, "nom": name, "nom_fourni": bool(row.get("nom")),
                "code_commune": commune.code, "latitude": lat, "longitude": lon, "adresse": row.get("adresse", ""),
                "code_postal": row.get("code_postal", "")[:5], "attributs": attributes,
                "contacts": {k: row[k] for k in CONTACTS if row.get(k)},
                "consentement": fold(row.get("consentement", "")) in YES,
            }
        )  # fmt: skip
    return CheckedFile(accepted, rejected, data_lines, blank_lines)


# --- what is published ---------------------------------------------------------------------------


def public_entries(layer, rows, commune_names=None):
    """The entries a publication of these accepted lines puts on the site.

    For a layer about people: a named entry only for a line whose person agreed (and then only name
    and commune), every other line counted in its commune. Applied at publication as well as in the
    preview, so a preview stored before this rule cannot publish what it forbids.
    """
    if not is_people_layer(layer):
        return [_establishment(row) for row in rows]
    commune_names = commune_names or {}
    entries, counts = [], {}
    for row in rows:
        if row.get("consentement") and row.get("nom_fourni", True):
            entries.append(
                {
                    "ligne": row["ligne"], "lignes": [row["ligne"]], "ref": row["ref"], "nom": row["nom"],
                    "code_commune": row["code_commune"], "latitude": None, "longitude": None, "adresse": "",
                    "code_postal": "", "attributs": {}, "contacts": {}, "consentement": True, "personne": True,
                    "position": PositionQuality.UNKNOWN,
                }
            )  # fmt: skip
            continue
        code = row["code_commune"]
        number = (row.get("attributs") or {}).get("nombre")
        count = counts.get(code)
        if count is None:
            name = f"{layer.name} — {commune_names.get(code, code)}"
            count = counts[code] = {
                "ligne": row["ligne"], "lignes": [], "ref": f"{code}-nombre", "nom": name, "code_commune": code,
                "latitude": None, "longitude": None, "adresse": "", "code_postal": "", "attributs": {"nombre": 0},
                "contacts": {}, "consentement": False, "personne": True, "position": PositionQuality.UNKNOWN,
            }  # fmt: skip
            entries.append(count)
        count["lignes"].append(row["ligne"])
        count["attributs"]["nombre"] += 1 if number is None else number
    return entries


def _establishment(row):
    attributes = dict(row.get("attributs") or {})
    contacts = dict(row.get("contacts") or {})
    for key in CONTACTS:  # previews stored before contacts had their own fields kept them in attributes
        if key in attributes:
            contacts.setdefault(key, str(attributes.pop(key)))
    position = PositionQuality.UNKNOWN if row.get("latitude") is None else PositionQuality.EXACT
    return {**row, "attributs": attributes, "contacts": contacts, "lignes": [row["ligne"]], "personne": False,
            "position": position}  # fmt: skip


def create_upload(layer, *, provider, data_date, file_name, data, user):
    """Check a file and store it as a preview (nothing is published yet)."""
    from .models import TerritoryUpload

    checked = inspect_file(layer, file_name, data)
    source = _territory_source(layer, provider)
    return TerritoryUpload.objects.create(
        layer=layer, source=source, provider=provider, data_date=data_date, file_name=file_name[:255],
        checksum=hashlib.sha256(data).hexdigest(), uploaded_by=user, rows=checked.accepted,
        rejected_rows=checked.rejected, data_lines=checked.data_lines, state=UploadState.PREVIEW,
    )  # fmt: skip


def _territory_source(layer, provider):
    from datetime import timedelta

    from .models import Source

    source, _created = Source.objects.get_or_create(
        slug=territory_source_slug(layer.slug),
        defaults={
            "name": f"{layer.name} (donnée du territoire)",
            "publisher": provider[:200],
            "expected_every": timedelta(days=365),
            "is_territory": True,
            "licence": "Donnée transmise par un partenaire du territoire",
        },
    )
    return source


def published_count(upload):
    """Places of this upload's layer and source on the site now (what a publication replaces)."""
    from .models import Place

    return Place.objects.filter(
        source=upload.source_id,
        layer=upload.layer_id,
        commune__departement_id__in=settings.OSEZ_DEPARTEMENTS,
        is_active=True,
    ).count()


def shrinks_too_much(accepted, previous):
    """The rule of the sources' shrink guard (communes.sources): more than OSEZ_MAX_SHRINK lost."""
    return bool(previous) and 1 - accepted / previous > settings.OSEZ_MAX_SHRINK


@transaction.atomic
def publish_upload(upload, user=None, *, confirm_shrink=False, reason=""):
    """Replace the layer's places from this source by the upload's entries (one transaction).

    Refused with ShrinkRefused when the file would take too many published places off the site, unless
    ``confirm_shrink`` comes with the person's ``reason``: that confirmation is logged and recorded
    in the import's message (who, why, how many before and after).
    """
    from .models import ImportRecord, Place, Source, TerritoryUpload

    upload = TerritoryUpload.objects.select_for_update().select_related("layer").get(pk=upload.pk)
    if upload.state != UploadState.PREVIEW:
        raise UploadError("ce fichier a déjà été publié ou abandonné")
    if not upload.rows:
        raise UploadError(
            "aucune ligne acceptée dans ce fichier : rien à publier, les données publiées sont conservées"
        )
    departements = tuple(settings.OSEZ_DEPARTEMENTS)
    by_code, _by_name, names = _commune_lookup(departements)
    entries = public_entries(upload.layer, upload.rows, names)
    batch = Batch(departements=departements, total_rows=len(upload.rows) + len(upload.rejected_rows))
    kept = []
    for entry in entries:
        commune = by_code.get(entry["code_commune"])
        if commune is None:  # the commune vanished since the preview: say so rather than fail
            batch.reject(entry["ligne"], "commune disparue depuis l'aperçu", entry["ref"])
            continue
        added = batch.add_place(
            entry["ligne"], layer=upload.layer_id, ref=entry["ref"], name=entry["nom"], commune=commune,
            lat=entry["latitude"], lon=entry["longitude"], address=entry["adresse"], postcode=entry["code_postal"],
            attributes={**entry["attributs"], "partenaire": upload.provider, "date_donnees": str(upload.data_date)},
        )  # fmt: skip
        if added:
            kept.append(entry)
    if not batch.rows:
        raise UploadError("aucun lieu à publier (communes disparues depuis l'aperçu) : rien n'a changé")
    previous = published_count(upload)
    shrinking = shrinks_too_much(len(batch.rows), previous)
    if shrinking and not confirm_shrink:
        raise ShrinkRefused(len(batch.rows), previous)
    if shrinking and not reason.strip():
        raise UploadError("pour publier malgré la baisse, dites pourquoi ces lieux ont disparu")
    who = getattr(user, "get_username", lambda: "")() or "inconnu"
    record = ImportRecord.objects.create(
        source=upload.source, triggered_by=f"upload:{upload.pk}", forced=shrinking
    )
    record.total_rows = batch.total_rows
    record.rejected = len(upload.rejected_rows)
    record.rejected_rows = upload.rejected_rows[:50]
    record.checksum = upload.checksum
    record.data_date = upload.data_date
    try:
        # force only past the guard a person confirmed above; publish_places still refuses an empty batch.
        result = publish_places(upload.source, batch, force=shrinking, layers_scope=[upload.layer_id])
    except SourceError as exc:
        raise UploadError(str(exc)) from exc
    _set_contacts(upload, kept, Place)
    now = timezone.now()
    record.created, record.updated, record.unchanged = result.created, result.updated, result.unchanged
    record.deactivated = result.deactivated
    record.outcome = ImportOutcome.SUCCESS
    record.finished_at = now
    message = {"partenaire": upload.provider, "date": str(upload.data_date), "publié_par": who}
    if shrinking:
        message["baisse_confirmée"] = {"par": who, "raison": reason.strip()[:500], "avant": previous,
                                       "après": len(batch.rows)}  # fmt: skip
        log.warning(
            "territory upload %s published below the shrink guard (%s → %s places), confirmed by %s: %s",
            upload.pk, previous, len(batch.rows), who, reason.strip()[:500],
        )  # fmt: skip
    record.message = json.dumps(message, ensure_ascii=False)
    record.save()
    Source.objects.filter(pk=upload.source_id).update(
        state=SourceState.OK, last_success_at=now, last_attempt_at=now, publisher=upload.provider[:200],
        data_date=upload.data_date,
    )  # fmt: skip
    upload.state = UploadState.PUBLISHED
    upload.published_at = now
    upload.save(update_fields=["state", "published_at"])
    return record


def _set_contacts(upload, entries, place_model):
    """Contacts and position quality of the published places (the shared batch carries neither).

    People's entries carry no contact at all (see public_entries): this only ever writes an
    establishment's switchboard, website and e-mail, as the partner gave them.
    """
    wanted = {
        entry["ref"]: (
            entry["contacts"].get("telephone", "")[:40],
            entry["contacts"].get("email", "")[:254],
            entry["contacts"].get("site", "")[:500],
            entry["position"],
        )
        for entry in entries
    }
    places = place_model.objects.filter(source=upload.source_id, layer=upload.layer_id, source_ref__in=wanted)
    changed = []
    for place in places.only("id", "source_ref", "phone", "email", "website", "position_quality"):
        phone, email, website, position = wanted[place.source_ref]
        if (place.phone, place.email, place.website, place.position_quality) != (
            phone,
            email,
            website,
            position,
        ):
            place.phone, place.email, place.website, place.position_quality = phone, email, website, position
            changed.append(place)
    place_model.objects.bulk_update(
        changed, ["phone", "email", "website", "position_quality"], batch_size=2000
    )
