"""Streams the BPE (per-département extracts, the national CSV or INSEE's zip) into places.

Reads the CSV in the zip INSEE serves (``BPE24.zip``, ``BPE25.zip``; the Parquet file of 2025 is not
used: the zip holds the same rows and needs no extra library) and yesterday's extracts (BPE 2023
columns). Columns are found by name. ``_Z`` and ``_U`` are missing values. A row's position is its
``LONGITUDE``/``LATITUDE`` (WGS84) when it has them, else its ``LAMBERT_X``/``LAMBERT_Y`` projected with
pyproj from the row's own ``EPSG`` (Lambert 93 in metropolitan France, UTM overseas). A position drawn
at random inside the commune (``QUALITE_GEOLOC`` 33) is published as approximate; a row with none as
unknown. Only rows of the configured départements and of the TYPEQU codes mapped by the vintage's
table (``communes/data/bpe_typequ_<vintage>.csv``, vintage from ``AN``) are kept; a vintage without a
table is refused. Layers whose preferred source (Annuaire for schools, Data ES for sports) has
published a département are skipped there, so nothing is counted twice.
"""

import csv
import hashlib
import io
import re
import zipfile
from datetime import date
from functools import cache

from communes.catalog import PREFERRED_SOURCE, bpe_mapping, bpe_vintages
from communes.enums import PositionQuality

from ..download import combined_checksum, raw_dir
from ..errors import MissingRawFile, SourceError
from ..files import csv_reader, open_text, require_fields, resolve
from ..publish import publish_places
from ..rows import Batch, clean, commune_index, departement_of, to_float

SOURCE = "bpe"
COORDINATES = (("LONGITUDE", "LATITUDE"), ("LAMBERT_X", "LAMBERT_Y"))
REQUIRED = ["DEPCOM", "TYPEQU", ("LONGITUDE", "LAMBERT_X"), ("LATITUDE", "LAMBERT_Y")]
FORMATS = {"bpe": REQUIRED}
NATIONAL_NAMES = ("BPE-france.csv", "bpe-france.csv", "BPE.csv")
NATIONAL_PATTERN = re.compile(r"^BPE\d{2}\.csv$", re.IGNORECASE)
VINTAGE_IN_NAME = re.compile(r"BPE[_-]?(\d{2}|\d{4})", re.IGNORECASE)
RANDOM_POSITION = "33"  # QUALITE_GEOLOC: drawn at random inside the commune
# STATUT_DIFFUSION of SIRENE units whose identity and address may not be published ("diffusion partielle").
NOT_DIFFUSIBLE = frozenset({"P", "N"})


@cache
def _to_wgs84(epsg):
    from pyproj import Transformer

    return Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)


def project(x, y, epsg):
    """(lon, lat) of a point given in the row's projected system (EPSG code, 2154 when missing)."""
    try:
        code = int(epsg or 2154)
        return _to_wgs84(code).transform(x, y, errcheck=True)
    except Exception as exc:  # pyproj raises its own error types for an unknown or failing projection
        raise ValueError(f"projection EPSG:{epsg or 2154} impossible : {exc}") from exc


def input_files(departements):
    """The freshest of: the per-département extracts (all of them), a national CSV, the newest zip.

    Freshest, because the nightly download refreshes the national zip while older extracts may still
    sit in the cache (and the other way round for a hand-made offline cache).
    """
    folder = raw_dir("bpe")
    extracts = [resolve(folder / f"bpe-{dep}.csv") for dep in departements]
    candidates = []
    if all(p.exists() for p in extracts):
        candidates.append((min(p.stat().st_mtime for p in extracts), extracts))
    if folder.is_dir():
        nationals = [folder / name for name in NATIONAL_NAMES]
        nationals += [p for p in folder.iterdir() if NATIONAL_PATTERN.match(p.name.removesuffix(".gz"))]
        for path in [*(resolve(p) for p in nationals), *folder.glob("*.zip")]:
            if path.exists():
                candidates.append((path.stat().st_mtime, [path]))
    if candidates:
        return max(candidates, key=lambda c: c[0])[1]
    missing = ", ".join(str(p) for p in extracts if not p.exists())
    raise MissingRawFile(
        f"aucun fichier BPE dans le cache : ni {missing}, ni fichier national, ni zip dans {folder}"
    )


def _open(path):
    if path.suffix.lower() != ".zip":
        return open_text(path)
    try:
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
        if not members:
            raise SourceError(f"{path.name} ne contient aucun fichier CSV")
        member = max(members, key=lambda m: archive.getinfo(m).file_size)
        return open_text(io.BufferedReader(archive.open(member), 1 << 20), name=f"{path.name}/{member}")
    except (zipfile.BadZipFile, EOFError) as exc:
        raise SourceError(f"{path.name} n'est pas un zip lisible (fichier tronqué ?) : {exc}") from exc


def vintage_of_name(path):
    match = VINTAGE_IN_NAME.search(path.name)
    if not match:
        return ""
    year = match.group(1)
    return year if len(year) == 4 else f"20{year}"


def _preferred_published(departements):
    """(layer, département) pairs where the layer's preferred source has active places."""
    from communes.models import Place

    sources = set(PREFERRED_SOURCE.values())
    published = set(
        Place.objects.filter(source_id__in=sources, is_active=True, commune__departement_id__in=departements)
        .values_list("source_id", "commune__departement_id")
        .distinct()
    )
    return {(layer, dep) for layer, src in PREFERRED_SOURCE.items() for s, dep in published if s == src}


def _mapping_for(vintage, where):
    if not vintage:
        raise SourceError(
            f"{where} : millésime BPE inconnu (ni colonne AN ni année dans le nom du fichier) : import refusé"
        )
    mapping = bpe_mapping(vintage)
    if mapping is None:
        raise SourceError(
            f"{where} : millésime BPE {vintage} sans table de correspondance TYPEQU "
            f"(communes/data/bpe_typequ_{vintage}.csv ; tables disponibles : {', '.join(bpe_vintages())}) : "
            "import refusé"
        )
    return mapping


class _Refs:
    """Stable references for BPE rows, which carry no identifier of their own.

    A reference is derived from what identifies an equipment (type, commune, name, address). Rows that
    share it but differ (two doctors of one surgery, listed with different positions) are numbered and
    stay several places; a row identical to one already read is the same place read twice — it gets the
    same reference and the batch merges it, so a file whose rows all appear twice is not doubled.
    Coordinates are values, not identity: a corrected position is an update, not a new place.
    """

    def __init__(self):
        self._seen = {}

    def ref(self, typequ, depcom, name, address, row):
        base = hashlib.blake2b(f"{name}|{address}".encode(), digest_size=6).hexdigest()
        stem = f"{typequ}-{depcom}-{base}"
        signature = hash(tuple(row))
        seen = self._seen.get(stem)
        if seen is None:
            self._seen[stem] = signature
            return stem
        if not isinstance(seen, list):
            seen = [seen]
            self._seen[stem] = seen
        if signature in seen:
            n = seen.index(signature) + 1
        else:
            seen.append(signature)
            n = len(seen)
        return stem if n == 1 else f"{stem}-{n}"


def _concerns_us(row, communes, mapping, skip):
    """Whether a malformed row names one of the run's communes and a type the run would publish there."""
    found = [communes[f.strip()] for f in row if f.strip() in communes]
    if not found:
        return False
    for field in row:
        mapped = mapping.get(field.strip())
        if mapped and any((layer, found[0].departement) not in skip for layer in mapped[0]):
            return True
    return False


def read(departements, progress=None):
    deps = set(departements)
    batch = Batch(departements=tuple(departements))
    communes = commune_index(departements)
    skip = _preferred_published(departements)
    paths = input_files(departements)
    refs = _Refs()
    vintage = None
    for path in paths:
        lines, _encoding = _open(path)
        batch.next_file()
        with lines:
            reader, header = csv_reader(lines)
            require_fields(header, REQUIRED, path.name, SOURCE)
            col = {name: i for i, name in enumerate(header)}
            width = len(header)
            i_depcom, i_typequ = col["DEPCOM"], col["TYPEQU"]
            i_dep, i_an = col.get("DEP"), col.get("AN")
            file_vintage = vintage_of_name(path)

            def get(row, name, _col=col):
                i = _col.get(name)
                return clean(row[i]) if i is not None else ""

            mapping = None
            line = 1
            try:
                for row in reader:
                    # The header was read before the reader existed: file line = reader's count + 1.
                    start, line = line + 1, reader.line_num + 1
                    if progress and start % 5000 == 0:
                        progress(5000)
                    if mapping is None and row:
                        vintage = vintage or (
                            clean(row[i_an]) if i_an is not None and i_an < len(row) else ""
                        )
                        vintage = vintage or file_vintage
                        mapping = _mapping_for(vintage, path.name)
                    if len(row) != width:
                        # A shifted or cut row: counted against this run when it names one of our communes
                        # and a type the run publishes (its columns cannot be trusted to say more).
                        if row and _concerns_us(row, communes, mapping, skip):
                            span = line - start + 1
                            batch.total_rows += span
                            batch.reject(
                                start, f"ligne illisible ({len(row)} colonnes au lieu de {width}) : colonne décalée, "
                                "guillemet non fermé ou fichier tronqué", lines=span,
                            )  # fmt: skip
                        continue
                    row_vintage = (clean(row[i_an]) if i_an is not None else "") or vintage
                    if row_vintage != vintage:
                        raise SourceError(
                            f"{path.name} ligne {start} : millésimes BPE mélangés ({vintage} puis {row_vintage}) "
                            ": import refusé"
                        )
                    depcom = row[i_depcom].strip()
                    dep = row[i_dep].strip() if i_dep is not None else departement_of(depcom)
                    if dep not in deps:
                        continue
                    typequ = row[i_typequ].strip()
                    mapped = mapping.get(typequ)
                    if mapped is None:
                        continue
                    layers = [layer for layer in mapped[0] if (layer, dep) not in skip]
                    if not layers:
                        continue
                    batch.total_rows += 1
                    # A person who asked SIRENE not to publish their identity and address (a doctor
                    # practising at home): counted in the commune, never named, located nor identified —
                    # a place of its own, so the named one it was is withdrawn, not kept as published.
                    hidden = get(row, "STATUT_DIFFUSION") in NOT_DIFFUSIBLE
                    name = "" if hidden else get(row, "NOMRS")
                    key_address = (
                        ""
                        if hidden
                        else " ".join(
                            filter(None, (get(row, "NUMVOIE"), get(row, "TYPVOIE"), get(row, "LIBVOIE")))
                        )
                    )
                    ref = refs.ref(typequ, depcom, name, key_address, row)
                    commune = communes.get(depcom)
                    if commune is None:
                        batch.reject(start, f"code commune inconnu : {depcom!r}", ref, key=ref)
                        continue
                    try:
                        lon, lat = to_float(get(row, "LONGITUDE")), to_float(get(row, "LATITUDE"))
                        if lat is None and lon is None:
                            x, y = to_float(get(row, "LAMBERT_X")), to_float(get(row, "LAMBERT_Y"))
                            if x is not None and y is not None:
                                lon, lat = project(x, y, get(row, "EPSG"))
                            elif (x is None) != (y is None):
                                raise ValueError("coordonnées Lambert incomplètes")
                    except ValueError as exc:
                        batch.reject(start, f"coordonnées illisibles : {exc}", ref, key=ref)
                        continue
                    quality = (
                        PositionQuality.APPROXIMATE
                        if get(row, "QUALITE_GEOLOC") == RANDOM_POSITION
                        else PositionQuality.EXACT
                    )
                    address = " ".join(
                        filter(
                            None,
                            (
                                get(row, "NUMVOIE"),
                                get(row, "INDREP"),
                                get(row, "TYPVOIE"),
                                get(row, "LIBVOIE"),
                            ),
                        )
                    )
                    address = ", ".join(filter(None, (address, get(row, "CADR"))))
                    attributes = {"typequ": typequ, "millesime": vintage}
                    siret = get(row, "SIRET")
                    if hidden:
                        address, siret, lat, lon = "", "", None, None
                        attributes["diffusion_partielle"] = True
                    if siret.isdigit() and len(siret) == 14:
                        attributes["siret"] = siret
                    for column, key in (("QUALITE_XY", "qualite_xy"), ("QUALITE_GEOLOC", "qualite_geoloc")):
                        value = get(row, column)
                        if value:
                            attributes[key] = value
                    capacity = get(row, "CAPACITE")
                    if capacity.isdigit():
                        attributes["capacite"] = int(capacity)
                    for layer in layers:
                        batch.add_place(
                            start, layer=layer, ref=ref, name=name or mapped[1], commune=commune, lat=lat, lon=lon,
                            address=address, postcode=get(row, "CODPOS") if address else "", quality=quality,
                            attributes=attributes,
                        )  # fmt: skip
            except csv.Error as exc:
                raise SourceError(f"{path.name} : CSV illisible ligne {reader.line_num + 1} : {exc}") from exc
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise SourceError(f"{path.name} : lecture interrompue (fichier tronqué ?) : {exc}") from exc
    batch.checksum = combined_checksum(paths)
    if vintage:
        batch.vintage = f"BPE {vintage}"
        batch.data_date = date(int(vintage), 1, 1) if vintage.isdigit() else None
    return batch


def publish(source, batch, *, force=False, progress=None):
    return publish_places(source, batch, force=force, progress=progress)
