"""Reads the Data ES files of the raw cache: sports facilities filed by family (football, tennis…).

Today's datasets (split on 25 August 2026): equipments (``numero``, ``installation_numero``, ``nom``,
``type``, ``famille``, ``coordonnees``, ``website``…) joined on ``installation_numero`` to their
installation (``numero``, ``nom``, ``adresse``, ``cp``, ``insee``…), the sports practised from the
activities dataset (``equip_numero``, ``aps_name``) feeding the layer rules. Yesterday's single joined
dataset (``equip_*``, ``inst_*``, ``new_code``, ``coordonnees`` or ``equip_coordonnees``) still reads.
Raw files: ``sport/data-es-equipements-{dep}.json``, ``sport/data-es-installations-{dep}.json``,
``sport/data-es-activites-{dep}.json`` (the last optional), or ``sport/data-es-{dep}.json``; JSON or
CSV, told apart by content; the freshest form wins when both are cached.

The equipment dataset carries its declarants' name, e-mail and phone (``declarant_*``): those fields
are dropped as the file is read and never reach a place, an attribute or a log. Only an equipment's
website and its installation's address are published as contacts.
"""

from communes.catalog import sport_families

from ..download import combined_checksum, meta_data_date, raw_dir
from ..errors import MissingRawFile
from ..files import load_table, require_fields, resolve
from ..publish import publish_preferred
from ..rows import Batch, clean, commune_code, commune_index, french_date, parse_date, to_float
from ..rows import website as website_url

SOURCE = "sport"
PERSONAL = ("declarant",)
ACTIVITY_NAME = ("aps_name", "aps_discipline", "activite", "aps_nom")
COMMUNE_CODE = ("insee", "code_insee", "new_code", "inst_com_code")
FORMATS = {
    "equipements": ["numero", "installation_numero", ("type", "famille")],
    "installations": ["numero", COMMUNE_CODE],
    "activites": ["equip_numero", ACTIVITY_NAME],
    "data-es": ["equip_numero", ("new_code", "inst_com_code"), ("equip_type_name", "equip_type_famille", "equip_aps_nom")],
}  # fmt: skip
UPDATE_DATES = ("date_maj", "maj_date", "equip_maj_date", "date_mise_a_jour")


def split_files(dep):
    folder = raw_dir("sport")
    return {
        "equipements": folder / f"data-es-equipements-{dep}.json",
        "installations": folder / f"data-es-installations-{dep}.json",
        "activites": folder / f"data-es-activites-{dep}.json",
    }


def joined_file(dep):
    return raw_dir("sport") / f"data-es-{dep}.json"


def _present(path):
    """The cached file for a contract name: ``.json`` or ``.csv`` after the same name, maybe gzip'ed."""
    for candidate in (path, path.with_suffix(".csv")):
        found = resolve(candidate)
        if found.exists():
            return found
    return None


def input_files(dep):
    """('split', {kind: path}) or ('joined', {'data-es': path}): the freshest complete form in the cache."""
    split = {kind: _present(p) for kind, p in split_files(dep).items()}
    joined = _present(joined_file(dep))
    options = []
    if split["equipements"] and split["installations"]:
        kept = {k: p for k, p in split.items() if p}
        options.append(
            (min(p.stat().st_mtime for p in (split["equipements"], split["installations"])), "split", kept)
        )
    if joined:
        options.append((joined.stat().st_mtime, "joined", {"data-es": joined}))
    if not options:
        raise MissingRawFile(
            f"fichier absent du cache : {split_files(dep)['equipements']} et {split_files(dep)['installations']} "
            f"(ou l'ancien {joined_file(dep)})"
        )
    _mtime, form, files = max(options, key=lambda o: o[0])
    return form, files


def _table(path, kind):
    fields, records = load_table(path, drop_prefixes=PERSONAL)
    require_fields(fields, FORMATS[kind], path.name, SOURCE)
    return records


def first(record, names):
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return value
    return None


def coordinates(value):
    """(lat, lon) from {lon, lat}, "lat, lon" (CSV exports) or [lat, lon]; (None, None) when absent."""
    if value in (None, ""):
        return None, None
    if isinstance(value, dict):
        return to_float(value.get("lat")), to_float(value.get("lon"))
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return to_float(value[0]), to_float(value[1])
    parts = [p.strip() for p in str(value).split(",")]
    if len(parts) != 2:
        raise ValueError(f"coordonnées illisibles : {value!r}")
    return to_float(parts[0]), to_float(parts[1])


def activities_of(value):
    if isinstance(value, list):
        return [clean(v) for v in value if clean(v)]
    text = clean(value)
    return [text] if text else []


def layer_for(facility):
    """The sports layer of an equipment from its type, family and activities (first rule that matches)."""
    for field_name, fragment, layer in sport_families():
        value = facility.get(field_name)
        text = " ".join(map(str, value)) if isinstance(value, list) else str(value or "")
        if fragment in text.lower():
            return layer
    return "sport-autres"


def _facilities_split(files, batch):
    """(line, facility) for today's split files: equipments joined to installations and activities."""
    installations = {}
    for _line, _span, record in _table(files["installations"], "installations"):
        if record and clean(record.get("numero")):
            installations[clean(record["numero"])] = record
    activities = {}
    if "activites" in files:
        for _line, _span, record in _table(files["activites"], "activites"):
            if record:
                name = clean(first(record, ACTIVITY_NAME))
                if name:
                    activities.setdefault(clean(record.get("equip_numero")), []).append(name)
    for line, span, record in _table(files["equipements"], "equipements"):
        if record is None:
            yield line, span, None
            continue
        number = clean(record.get("numero"))
        installation = installations.get(clean(record.get("installation_numero")))
        facility = {
            "ref": number, "name": clean(record.get("nom")) or clean(record.get("type")), "type": clean(record.get("type")),
            "famille": clean(record.get("famille")), "activites": sorted(set(activities.get(number, []))),
            "coordinates": record.get("coordonnees"), "website": record.get("website"),
            "installation": clean(record.get("installation_numero")), "nature": clean(record.get("nature")),
            "acces_libre": record.get("acces_libre"), "updated": first(record, UPDATE_DATES),
        }  # fmt: skip
        if installation is None:
            facility["missing_installation"] = True
        else:
            facility.update(
                commune=commune_code(first(installation, COMMUNE_CODE)), installation_nom=clean(installation.get("nom")),
                address=clean(installation.get("adresse")), postcode=clean(installation.get("cp")),
            )  # fmt: skip
        yield line, span, facility


def _facilities_joined(files, batch):
    """(line, facility) for yesterday's single joined dataset."""
    for line, span, record in _table(files["data-es"], "data-es"):
        if record is None:
            yield line, span, None
            continue
        facility = {
            "ref": clean(record.get("equip_numero")),
            "name": clean(record.get("equip_nom")) or clean(record.get("equip_type_name")),
            "type": clean(record.get("equip_type_name")), "famille": clean(record.get("equip_type_famille")),
            "activites": activities_of(record.get("equip_aps_nom")),
            "coordinates": first(record, ("coordonnees", "equip_coordonnees")), "website": record.get("equip_url"),
            "installation": clean(record.get("inst_numero")), "installation_nom": clean(record.get("inst_nom")),
            "commune": commune_code(first(record, ("new_code", "inst_com_code"))),
            "address": clean(record.get("inst_adresse")), "postcode": clean(record.get("inst_cp")),
            "nature": clean(record.get("equip_nature")), "acces_libre": record.get("equip_acc_libre"),
            "updated": first(record, UPDATE_DATES),
        }  # fmt: skip
        yield line, span, facility


def read(departements, progress=None):
    batch = Batch(departements=tuple(departements))
    communes = commune_index(departements)
    paths, dates = [], []
    for dep in departements:
        form, files = input_files(dep)
        paths.extend(files.values())
        dates.extend(filter(None, (meta_data_date(p) for p in files.values())))
        facilities = _facilities_split(files, batch) if form == "split" else _facilities_joined(files, batch)
        batch.next_file()
        for line, span, facility in facilities:
            if progress:
                progress(1)
            batch.total_rows += span
            if facility is None:
                batch.reject(line, f"ligne illisible ({span} ligne(s) du fichier)", lines=span)
                continue
            ref = facility["ref"]
            if facility.get("missing_installation"):
                batch.reject(
                    line, f"installation {facility['installation']!r} absente du fichier des installations", ref,
                    key=ref or None,
                )  # fmt: skip
                continue
            try:
                lat, lon = coordinates(facility["coordinates"])
            except (ValueError, TypeError) as exc:
                batch.reject(line, f"coordonnées invalides : {exc}", ref, key=ref or None)
                continue
            commune = communes.get(facility["commune"])
            if commune is None:
                batch.reject(
                    line, f"code commune inconnu dans les départements chargés : {facility['commune']!r}", ref,
                    key=ref or None,
                )  # fmt: skip
                continue
            updated = parse_date(facility.get("updated"))
            if updated:
                dates.append(updated)
            attributes = {
                "type": facility["type"], "famille": facility["famille"], "activites": facility["activites"],
                "installation": facility["installation"], "installation_nom": facility.get("installation_nom"),
                "nature": facility.get("nature"),
            }  # fmt: skip
            if str(facility.get("acces_libre")).lower() in ("true", "1", "oui"):
                attributes["acces_libre"] = True
            batch.add_place(
                line, layer=layer_for(facility), ref=ref, name=facility["name"], commune=commune, lat=lat, lon=lon,
                address=facility.get("address", ""), postcode=facility.get("postcode", "")[:5],
                website=website_url(facility.get("website")), attributes={k: v for k, v in attributes.items() if v},
            )  # fmt: skip
    batch.checksum = combined_checksum(paths)
    batch.data_date = max(dates) if dates else None
    batch.vintage = f"Data ES du {french_date(batch.data_date)}" if batch.data_date else "Data ES"
    return batch


publish = publish_preferred
