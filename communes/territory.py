"""Territory layers: a partner's CSV or spreadsheet checked row by row, previewed, then published as places."""

import csv
import hashlib
import io
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .catalog import territory_source_slug
from .enums import ImportOutcome, SourceState, UploadState
from .sources.base import (
    Batch,
    CommuneInfo,
    SourceError,
    csv_reader,
    haversine_km,
    open_text,
    publish_places,
    to_float,
)
from .text import fold

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000

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
    "telephone": "telephone", "tel": "telephone", "site": "site", "web": "site", "email": "email", "mail": "email",
}  # fmt: skip
EXTRA = ("telephone", "site", "email")


class UploadError(SourceError):
    """The whole file is unusable (format, columns): a French message for the staff member."""


def _table_rows(file_name, data):
    """(header, iterator of rows) from CSV (any usual delimiter/encoding) or XLSX bytes."""
    if file_name.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
            raise UploadError(f"tableur illisible : {exc}") from exc
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise UploadError("le tableur est vide")
        values = (
            ["" if v is None else str(v) if not isinstance(v, float) else repr(v) for v in r] for r in rows
        )
        return [str(h or "") for h in header], values
    if file_name.lower().endswith(".xls"):
        raise UploadError("format .xls non pris en charge : enregistrez le fichier en .xlsx ou .csv")
    stream, _encoding = open_text(io.BytesIO(data))
    reader, header = csv_reader(stream)
    return header, reader


def normalise_header(header):
    return [ALIASES.get(fold(h).replace(" ", "_"), fold(h).replace(" ", "_")) for h in header]


def _commune_lookup(departements):
    from .models import Commune

    by_code, by_name = {}, {}
    for code, name, postcodes, lat, lon, surface in Commune.objects.filter(
        departement_id__in=departements, is_active=True
    ).values_list("code_insee", "name", "postcodes", "latitude", "longitude", "surface_ha"):
        info = CommuneInfo(code, "", lat, lon, 15.0 + 3 * ((surface or 0) / 100 / 3.1416) ** 0.5)
        by_code[code] = info
        for postcode in postcodes or []:
            by_name[(fold(name), postcode)] = info
    return by_code, by_name


def check_file(layer, file_name, data, departements=None):
    """Parse and check a partner's file: (accepted rows as dicts, rejected rows with reasons)."""
    try:
        return _check_file(layer, file_name, data, departements)
    except UploadError:
        raise
    except SourceError as exc:
        raise UploadError(str(exc)) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UploadError(f"fichier illisible : {exc}") from exc


def _check_file(layer, file_name, data, departements):
    if not data:
        raise UploadError("le fichier est vide")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError("le fichier dépasse 5 Mo")
    header, rows = _table_rows(file_name, data)
    columns = normalise_header(header)
    present = set(columns)
    if "code_commune" not in present and not {"commune", "code_postal"} <= present:
        raise UploadError(
            "colonnes manquantes : il faut « code_commune » (code INSEE) ou « commune » et « code_postal » "
            f"(colonnes trouvées : {', '.join(header)})"
        )
    counted = "nombre" in (layer.columns or [])
    if "nom" not in present and not (counted and "nombre" in present):
        raise UploadError(f"colonne « nom » manquante (colonnes trouvées : {', '.join(header)})")
    if ("latitude" in present) != ("longitude" in present):
        raise UploadError("les colonnes « latitude » et « longitude » vont ensemble")
    by_code, by_name = _commune_lookup(departements or settings.OSEZ_DEPARTEMENTS)
    accepted, rejected, keys = [], [], set()
    for line, raw in enumerate(rows, start=2):
        if not any(str(v).strip() for v in raw):
            continue
        if len(accepted) + len(rejected) >= MAX_ROWS:
            raise UploadError(f"plus de {MAX_ROWS} lignes : découpez le fichier")
        row = {col: str(value).strip() for col, value in zip(columns, raw, strict=False)}
        name = row.get("nom", "")

        def reject(reason, row=row, line=line, name=name):
            rejected.append({"ligne": line, "nom": name, "raison": reason, "valeurs": row})

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
        attributes = {k: row[k] for k in EXTRA if row.get(k)}
        if count is not None:
            attributes["nombre"] = count
        accepted.append(
            {
                "ligne": line, "ref": ref, "nom": name, "code_commune": commune.code, "latitude": lat,
                "longitude": lon, "adresse": row.get("adresse", ""), "code_postal": row.get("code_postal", "")[:5],
                "attributs": attributes,
            }
        )  # fmt: skip
    return accepted, rejected


def create_upload(layer, *, provider, data_date, file_name, data, user):
    """Check a file and store it as a preview (nothing is published yet)."""
    from .models import TerritoryUpload

    accepted, rejected = check_file(layer, file_name, data)
    source = _territory_source(layer, provider)
    return TerritoryUpload.objects.create(
        layer=layer, source=source, provider=provider, data_date=data_date, file_name=file_name[:255],
        checksum=hashlib.sha256(data).hexdigest(), uploaded_by=user, rows=accepted, rejected_rows=rejected,
        state=UploadState.PREVIEW,
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


@transaction.atomic
def publish_upload(upload, user=None):
    """Replace the layer's places from this source by the upload's accepted rows (one transaction)."""
    from .models import ImportRecord, Source, TerritoryUpload

    upload = TerritoryUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.state != UploadState.PREVIEW:
        raise UploadError("ce fichier a déjà été publié ou abandonné")
    if not upload.rows:
        raise UploadError(
            "aucune ligne acceptée dans ce fichier : rien à publier, les données publiées sont conservées"
        )
    departements = tuple(settings.OSEZ_DEPARTEMENTS)
    by_code, _by_name = _commune_lookup(departements)
    batch = Batch(departements=departements, total_rows=len(upload.rows) + len(upload.rejected_rows))
    for row in upload.rows:
        commune = by_code.get(row["code_commune"])
        if commune is None:  # the commune vanished since the preview: say so rather than fail
            batch.reject(row["ligne"], "commune disparue depuis l'aperçu", row["ref"])
            continue
        batch.add_place(
            row["ligne"], layer=upload.layer_id, ref=row["ref"], name=row["nom"], commune=commune,
            lat=row["latitude"], lon=row["longitude"], address=row["adresse"], postcode=row["code_postal"],
            attributes={**row["attributs"], "partenaire": upload.provider, "date_donnees": str(upload.data_date)},
        )  # fmt: skip
    record = ImportRecord.objects.create(
        source=upload.source, triggered_by=f"upload:{upload.pk}", forced=True
    )
    record.total_rows = batch.total_rows
    record.rejected = len(upload.rejected_rows)
    record.rejected_rows = upload.rejected_rows[:50]
    record.checksum = upload.checksum
    # The person saw the preview (with its counts) before pressing "publish": the shrink rule is theirs.
    try:
        result = publish_places(upload.source, batch, force=True, layers_scope=[upload.layer_id])
    except SourceError as exc:  # e.g. every commune vanished since the preview: an empty batch
        raise UploadError(str(exc)) from exc
    now = timezone.now()
    record.created, record.updated, record.unchanged = result.created, result.updated, result.unchanged
    record.deactivated = result.deactivated
    record.outcome = ImportOutcome.SUCCESS
    record.finished_at = now
    record.message = json.dumps(
        {"partenaire": upload.provider, "date": str(upload.data_date)}, ensure_ascii=False
    )
    record.save()
    Source.objects.filter(pk=upload.source_id).update(
        state=SourceState.OK, last_success_at=now, last_attempt_at=now, publisher=upload.provider[:200]
    )
    upload.state = UploadState.PUBLISHED
    upload.published_at = now
    upload.save(update_fields=["state", "published_at"])
    return record
