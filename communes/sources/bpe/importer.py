"""Streams the BPE (per-département extracts, the national CSV or the official zip) into places.

Only rows of the configured départements and of the TYPEQU codes mapped by the vintage's table
(``communes/data/bpe_typequ_<vintage>.csv``) are kept. Layers whose preferred source (Annuaire for
schools, Data ES for sports) has published a département are skipped there, so nothing is counted twice.
"""

import hashlib
import io
import zipfile
from functools import cache

from communes.catalog import BPE_DEFAULT_VINTAGE, PREFERRED_SOURCE, bpe_mapping

from ..base import (
    Batch,
    MissingRawFile,
    SourceError,
    combined_checksum,
    commune_index,
    csv_reader,
    open_text,
    publish_places,
    raw_dir,
    require_columns,
    to_float,
)

REQUIRED = ["DEPCOM", "TYPEQU"]
NATIONAL_NAMES = ("BPE-france.csv", "bpe-france.csv", "BPE.csv")


@cache
def _lambert93_to_wgs84():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)


def departement_of(depcom):
    return depcom[:3] if depcom.startswith("97") else depcom[:2]


def input_files(departements):
    """The freshest of: the per-département extracts (all of them), the national CSV, the newest zip.

    Freshest, because the nightly download refreshes the national zip while older extracts may still
    sit in the cache (and the other way round for a hand-made offline cache).
    """
    folder = raw_dir("bpe")
    extracts = [folder / f"bpe-{dep}.csv" for dep in departements]
    candidates = []
    if all(p.exists() for p in extracts):
        candidates.append((min(p.stat().st_mtime for p in extracts), extracts))
    if folder.is_dir():
        for path in [*(folder / name for name in NATIONAL_NAMES), *folder.glob("*.zip")]:
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
        return open_text(io.BufferedReader(archive.open(member)))
    except (zipfile.BadZipFile, EOFError) as exc:
        raise SourceError(f"{path.name} n'est pas un zip lisible (fichier tronqué ?) : {exc}") from exc


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


def read(departements, progress=None):
    deps = set(departements)
    batch = Batch(departements=tuple(departements))
    communes = commune_index(departements)
    skip = _preferred_published(departements)
    paths = input_files(departements)
    occurrences = {}
    for path in paths:
        stream, _encoding = _open(path)
        with stream:
            reader, header = csv_reader(stream)
            require_columns(header, REQUIRED, path.name)
            has_wgs84 = "LONGITUDE" in header and "LATITUDE" in header
            has_lambert = "LAMBERT_X" in header and "LAMBERT_Y" in header
            if not (has_wgs84 or has_lambert):
                raise SourceError(
                    f"{path.name} : ni LONGITUDE/LATITUDE ni LAMBERT_X/LAMBERT_Y parmi les colonnes"
                )
            col = {name: i for i, name in enumerate(header)}
            width = len(header)
            i_depcom, i_typequ = col["DEPCOM"], col["TYPEQU"]
            i_dep, i_an = col.get("DEP"), col.get("AN")

            def get(row, name, _col=col):
                i = _col.get(name)
                return row[i].strip() if i is not None else ""

            mapping = None
            try:
                for line, row in enumerate(reader, start=2):
                    if progress and line % 5000 == 0:
                        progress(5000)
                    if len(row) < width:
                        if not row:
                            continue
                        batch.total_rows += 1
                        batch.reject(
                            line, f"ligne incomplète ({len(row)} colonnes sur {width}) : fichier tronqué ?"
                        )
                        continue
                    depcom = row[i_depcom].strip()
                    dep = row[i_dep].strip() if i_dep is not None else departement_of(depcom)
                    if dep not in deps:
                        continue
                    if mapping is None:
                        vintage = (
                            row[i_an].strip()
                            if i_an is not None and row[i_an].strip()
                            else BPE_DEFAULT_VINTAGE
                        )
                        mapping = bpe_mapping(vintage)
                        if mapping is None:
                            raise SourceError(
                                f"millésime BPE {vintage} sans table de correspondance TYPEQU "
                                f"(communes/data/bpe_typequ_{vintage}.csv) : import refusé"
                            )
                    typequ = row[i_typequ].strip()
                    mapped = mapping.get(typequ)
                    if mapped is None:
                        continue
                    layers = [layer for layer in mapped[0] if (layer, dep) not in skip]
                    if not layers:
                        continue
                    batch.total_rows += 1
                    commune = communes.get(depcom)
                    if commune is None:
                        batch.reject(line, f"code commune inconnu : {depcom!r}", typequ)
                        continue
                    try:
                        lon, lat = (to_float(get(row, "LONGITUDE")), to_float(get(row, "LATITUDE")))
                        if (lat is None or lon is None) and has_lambert:
                            x, y = to_float(get(row, "LAMBERT_X")), to_float(get(row, "LAMBERT_Y"))
                            lon, lat = _lambert93_to_wgs84().transform(x, y) if x and y else (None, None)
                    except ValueError:
                        batch.reject(line, "coordonnées illisibles", typequ)
                        continue
                    name = get(row, "NOMRS")
                    address = " ".join(
                        filter(None, (get(row, "NUMVOIE"), get(row, "TYPVOIE"), get(row, "LIBVOIE")))
                    )
                    # The BPE has no identifier per equipment: derive one from what identifies it
                    # (type, commune, name, address), numbering identical rows (two doctors sharing a
                    # surgery) so that they stay two places. Coordinates are values, not identity:
                    # a corrected position is an update, not a new place.
                    base = hashlib.blake2b(f"{name}|{address}".encode(), digest_size=6).hexdigest()
                    stem = f"{typequ}-{depcom}-{base}"
                    n = occurrences.get(stem, 0) + 1
                    occurrences[stem] = n
                    ref = stem if n == 1 else f"{stem}-{n}"
                    attributes = {"typequ": typequ}
                    for column, key in (
                        ("SIRET", "siret"),
                        ("QUALITE_XY", "qualite_xy"),
                        ("AN", "millesime"),
                    ):
                        value = get(row, column)
                        if value:
                            attributes[key] = value
                    for layer in layers:
                        batch.add_place(
                            line, layer=layer, ref=ref, name=name or mapped[1], commune=commune, lat=lat, lon=lon,
                            address=address, postcode=get(row, "CODPOS"), attributes=attributes,
                        )  # fmt: skip
            except UnicodeDecodeError as exc:
                raise SourceError(f"{path.name} : encodage illisible ({exc})") from exc
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise SourceError(f"{path.name} : lecture interrompue (fichier tronqué ?) : {exc}") from exc
    batch.checksum = combined_checksum(paths)
    return batch


def publish(source, batch, *, force=False, progress=None):
    return publish_places(source, batch, force=force, progress=progress)
