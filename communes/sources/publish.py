"""Publishing a checked batch: the rules every source obeys, then one transaction.

Before anything is written, a batch is refused (and everything published stays as it was) when:
- it is empty;
- too many of its rows were rejected (``OSEZ_MAX_REJECTED``, per source ``OSEZ_MAX_REJECTED_PER_SOURCE``);
- what it still holds (accepted rows, plus published rows kept because their new row was invalid) is
  smaller than the last publication by more than ``OSEZ_MAX_SHRINK``.
Then, in one transaction: new rows are created, changed ones updated, and only rows *absent from a
complete file* are marked inactive — never deleted, never those whose row was present but invalid, and
none at all when the file held rows that could not be identified. ``--force`` (a person who checked the
file) lifts the size and rejection rules, never the others.

``publish_places`` serves the place layers, ``publish_indicators`` the per-commune figures (and the
communes importer the registry); all share ``check_rejections``, ``check_batch_size``, ``count_absent``,
``deactivation_allowed`` and ``vanished_ids``.
"""

import hashlib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from .errors import SourceError
from .rows import (
    I_ATTRS,
    I_COMMUNE,
    I_COUNT,
    I_DATE,
    I_INDICATOR,
    I_LEVEL,
    I_PLACE,
    I_TERRITORY_CODE,
    I_TERRITORY_NAME,
    I_TEXT,
    I_VALUE,
    I_VINTAGE,
    R_LAT,
    R_LINE,
    R_REF,
    percent,
)

BATCH_SIZE = 2000
COPY_BATCH = 20000
# Ids per ``UPDATE … WHERE id IN (…)``: the unchanged rows seen again, the absent rows retired.
ID_CHUNK = 20000
PLACE_COLUMNS = ("layer_id", "source_id", "source_ref", "name", "commune_id", "latitude", "longitude", "address",
                 "postcode", "phone", "email", "website", "position_quality", "attributes", "row_hash",
                 "is_active", "first_seen", "last_seen")  # fmt: skip
PLACE_FIELDS = ["name", "commune_id", "latitude", "longitude", "address", "postcode", "phone", "email", "website",
                "position_quality", "attributes", "row_hash", "is_active", "last_seen"]  # fmt: skip


@dataclass
class PublishResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    superseded: int = 0
    kept: int = 0  # published rows left as they were because their new row was invalid
    deactivation_suspended: int = 0  # absent rows not deactivated because the file was incomplete


def copy_rows(model, columns, rows):
    """PostgreSQL COPY of plain tuples: several times faster than INSERTs built by bulk_create.

    Hand-written because Django has no COPY API; used only on PostgreSQL, inside the caller's transaction.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def forget_queries():
    """Drop Django's DEBUG query log: with DEBUG on it would keep every multi-megabyte bulk INSERT."""
    if settings.DEBUG:
        reset_queries()


def row_digest(row):
    return hashlib.blake2b(repr(row).encode(), digest_size=16).hexdigest()


# --- the rules ------------------------------------------------------------------------------------


def rejected_share_limit(source_slug):
    per_source = getattr(settings, "OSEZ_MAX_REJECTED_PER_SOURCE", {}) or {}
    return float(per_source.get(source_slug, settings.OSEZ_MAX_REJECTED))


def check_rejections(source_slug, batch, *, force=False):
    """Refuse a batch whose rejected rows exceed the source's threshold (share of the rows read)."""
    if force or not batch.rejected_count:
        return
    total = max(batch.total_rows, batch.rejected_count)
    share = batch.rejected_count / total
    limit = rejected_share_limit(source_slug)
    if share > limit:
        # The kinds of reasons, without the values they quote: "code commune inconnu (12)".
        kinds = Counter(re.sub(r"\s*\(ligne \d+\)", "", r["raison"]).split(" : ")[0] for r in batch.rejected)
        reasons = "; ".join(f"{kind} ({n})" for kind, n in kinds.most_common(4))
        raise SourceError(
            f"{batch.rejected_count} lignes rejetées sur {total} ({percent(share, 1)}), au-delà du seuil de "
            f"{percent(limit)} fixé pour la source « {source_slug} » : lot refusé, les données publiées sont "
            f"conservées (relancer avec --force après vérification ; raisons : {reasons})"
        )


def check_batch_size(accepted, previous, *, force, what="lignes", present=None):
    """Refuse an empty batch, or one holding less than (1 − OSEZ_MAX_SHRINK) of the last publication.

    ``present`` counts what the batch still holds (accepted rows plus published rows kept because their
    new row was invalid); it defaults to ``accepted``.
    """
    if accepted == 0:
        raise SourceError(f"lot vide : aucune ligne valide ({what}), les données publiées sont conservées")
    if force or not previous:
        return
    present = accepted if present is None else present
    shrink = 1 - present / previous
    if shrink > settings.OSEZ_MAX_SHRINK:
        raise SourceError(
            f"le lot ne compte que {present} {what} valides contre {previous} publiées "
            f"(-{percent(shrink)}, plus de {percent(settings.OSEZ_MAX_SHRINK)}) : refusé, les données publiées sont "
            "conservées (relancer avec --force après vérification)"
        )


# Published rows are read as {key: (id, digest, is_active, …)}; the helpers below count and pick from it
# without building other structures of that size (the national BPE holds 880,000 places).
ACTIVE = 2


def count_absent(existing, present_keys, is_kept):
    """(absent, kept): active published rows absent from the batch, and those kept as they were because
    their row was present but invalid (``is_kept(key)``)."""
    active = sum(1 for v in existing.values() if v[ACTIVE])
    present_active = 0
    for key in present_keys:
        found = existing.get(key)
        if found is not None and found[ACTIVE]:
            present_active += 1
    kept = sum(1 for k, v in existing.items() if v[ACTIVE] and is_kept(k))
    return active - present_active - kept, kept


def deactivation_allowed(batch, result, absent):
    """Absent rows are deactivated only when the file was complete (no row that could not be identified)."""
    if absent and batch.unkeyed:
        result.deactivation_suspended = absent
        batch.note(
            f"{absent} éléments absents du fichier non désactivés : le fichier contient "
            f"{batch.unkeyed} ligne(s) illisible(s), il n'est pas complet"
        )
        return False
    return True


def vanished_ids(remaining, is_kept):
    """Ids of the active published rows left in ``remaining`` (those the batch did not hold), not kept."""
    return [v[0] for k, v in remaining.items() if v[ACTIVE] and not is_kept(k)]


def _has_coordinates_loss(row, found):
    return found is not None and found[2] and found[3] and row[R_LAT] is None


# --- places ---------------------------------------------------------------------------------------


def publish_places(source, batch, *, force=False, progress=None, layers_scope=None, also=None):
    """Upsert a validated batch of places for ``source`` within its départements, in one transaction.

    ``layers_scope`` limits the places that may be marked inactive (None: all layers of the source);
    ``also(result)`` runs inside the same transaction (e.g. superseding BPE places).
    """
    from communes.models import Place

    batch.finish()
    scope = Place.objects.filter(source=source, commune__departement_id__in=batch.departements)
    if layers_scope is not None:
        scope = scope.filter(layer_id__in=layers_scope)
    # Layer slugs interned: 880,000 copies of a dozen strings would otherwise cost ~60 MB nationally.
    existing = {
        (sys.intern(layer), ref): (pk, digest, active, lat is not None)
        for pk, layer, ref, digest, active, lat in scope.values_list(
            "id", "layer_id", "source_ref", "row_hash", "is_active", "latitude"
        ).iterator(chunk_size=20000)
    }
    previous = sum(1 for v in existing.values() if v[2])
    # A place that had a position and whose new row has none keeps its published version: losing the
    # coordinates of many places at once is a damaged file, not news (and counts towards the threshold).
    rows = []
    for row in batch.rows:
        if _has_coordinates_loss(row, existing.get((row[0], row[1]))):
            batch.reject(
                row[R_LINE], "coordonnées absentes alors que le lieu publié en avait : version publiée conservée",
                row[R_REF], key=row[R_REF],
            )  # fmt: skip
            continue
        rows.append(row)
    if len(rows) != len(batch.rows):
        rows = [r for r in rows if r[R_REF] not in batch.kept]
    batch.rows = rows
    check_rejections(source.slug, batch, force=force)
    result = PublishResult()
    kept = batch.kept

    def is_kept(key):
        return key[1] in kept

    absent, result.kept = count_absent(existing, ((r[0], r[1]) for r in rows), is_kept)
    check_batch_size(len(rows), previous, force=force, what="lieux", present=len(rows) + result.kept)
    deactivate = deactivation_allowed(batch, result, absent)
    batch.keys = {}  # only needed while reading

    now = timezone.now()
    to_create, to_update, seen = [], [], []

    def build(row, digest, pk=None):
        layer, ref, name, commune, lat, lon, address, postcode, phone, email, website, quality, attrs = row[
            :13
        ]
        place = Place(
            layer_id=layer, source=source, source_ref=ref, name=name, commune_id=commune, latitude=lat,
            longitude=lon, address=address, postcode=postcode, phone=phone, email=email, website=website,
            position_quality=quality, attributes=json.loads(attrs), row_hash=digest, is_active=True,
            last_seen=now,
        )  # fmt: skip
        if pk is None:
            place.first_seen = now
        else:
            place.pk = pk
        return place

    def insert(items):
        if not items:
            return
        if connection.vendor == "postgresql":
            copy_rows(
                Place, PLACE_COLUMNS,
                ((row[0], source.pk, *row[1:13], digest, True, now, now) for row, digest in items),
            )  # fmt: skip
        else:
            Place.objects.bulk_create([build(row, digest) for row, digest in items], batch_size=BATCH_SIZE)
        forget_queries()

    with transaction.atomic():
        for row in rows:
            digest = row_digest(row[:13])
            found = existing.pop((row[0], row[1]), None)
            if found is None:
                to_create.append((row, digest))
                result.created += 1
            elif found[1] != digest or not found[2]:
                to_update.append(build(row, digest, found[0]))
                result.updated += 1
            else:
                seen.append(found[0])
                result.unchanged += 1
            if len(to_create) >= COPY_BATCH:
                insert(to_create)
                to_create = []
            if len(to_update) >= BATCH_SIZE:
                Place.objects.bulk_update(to_update, PLACE_FIELDS, batch_size=BATCH_SIZE)
                to_update = []
                forget_queries()
            if len(seen) >= ID_CHUNK:
                Place.objects.filter(pk__in=seen).update(last_seen=now)
                seen = []
                forget_queries()
            if progress:
                progress(1)
        insert(to_create)
        Place.objects.bulk_update(to_update, PLACE_FIELDS, batch_size=BATCH_SIZE)
        if seen:
            Place.objects.filter(pk__in=seen).update(last_seen=now)
        # What is left in ``existing`` is absent from this complete, validated batch: inactive, not deleted.
        vanished = vanished_ids(existing, is_kept) if deactivate else []
        for start in range(0, len(vanished), ID_CHUNK):
            result.deactivated += Place.objects.filter(pk__in=vanished[start : start + ID_CHUNK]).update(
                is_active=False
            )
        if also:
            also(result)
    return result


def publish_preferred(source, batch, *, force=False, progress=None):
    """Publish a source that is preferred for some layers, retiring the BPE's places of those layers."""
    from communes.catalog import PREFERRED_SOURCE

    layers = [layer for layer, preferred in PREFERRED_SOURCE.items() if preferred == source.slug]

    def supersede(result):
        result.superseded = supersede_bpe(layers, batch.departements)

    return publish_places(source, batch, force=force, progress=progress, also=supersede)


def supersede_bpe(layers, departements):
    """Deactivate BPE places of layers now published by their preferred source in these départements."""
    from communes.models import Place

    return Place.objects.filter(
        source_id="bpe", layer_id__in=layers, commune__departement_id__in=departements, is_active=True
    ).update(is_active=False)


# --- per-commune figures --------------------------------------------------------------------------


def publish_indicators(source, batch, *, indicators, force=False, progress=None):
    """Upsert an IndicatorBatch for the ``indicators`` (slugs) in the batch's départements, one transaction.

    Same rules as places: threshold of rejected rows, size guard, invalid rows keep their published
    figure, absent ones become inactive only when the file was complete.
    """
    from communes.models import CommuneIndicator

    batch.finish()
    scope = CommuneIndicator.objects.filter(
        indicator_id__in=indicators, commune__departement_id__in=batch.departements
    )
    existing = {
        (commune, indicator): (pk, digest, active)
        for pk, commune, indicator, digest, active in scope.values_list(
            "id", "commune_id", "indicator_id", "row_hash", "is_active"
        )
    }
    previous = sum(1 for v in existing.values() if v[2])
    check_rejections(source.slug, batch, force=force)
    rows = batch.rows
    result = PublishResult()

    def is_kept(key):
        return key in batch.kept or key[0] in batch.kept

    absent, result.kept = count_absent(existing, ((r[I_COMMUNE], r[I_INDICATOR]) for r in rows), is_kept)
    check_batch_size(len(rows), previous, force=force, what="valeurs", present=len(rows) + result.kept)
    deactivate = deactivation_allowed(batch, result, absent)
    now = timezone.now()
    fields = ["level", "territory_code", "territory_name", "value", "text", "count", "place_id", "attributes",
              "vintage", "data_date", "row_hash", "is_active", "last_seen"]  # fmt: skip
    to_create, to_update, seen = [], [], []
    with transaction.atomic():
        for row in rows:
            digest = row_digest(row[:-1])
            values = {
                "level": row[I_LEVEL], "territory_code": row[I_TERRITORY_CODE], "territory_name": row[I_TERRITORY_NAME],
                "value": row[I_VALUE], "text": row[I_TEXT], "count": row[I_COUNT], "place_id": row[I_PLACE],
                "attributes": json.loads(row[I_ATTRS]), "vintage": row[I_VINTAGE], "data_date": row[I_DATE],
                "row_hash": digest, "is_active": True, "last_seen": now,
            }  # fmt: skip
            found = existing.pop((row[I_COMMUNE], row[I_INDICATOR]), None)
            if found is None:
                to_create.append(
                    CommuneIndicator(
                        commune_id=row[I_COMMUNE], indicator_id=row[I_INDICATOR], first_seen=now, **values
                    )
                )
                result.created += 1
            elif found[1] != digest or not found[2]:
                to_update.append(
                    CommuneIndicator(
                        pk=found[0], commune_id=row[I_COMMUNE], indicator_id=row[I_INDICATOR], **values
                    )
                )
                result.updated += 1
            else:
                seen.append(found[0])
                result.unchanged += 1
            if progress:
                progress(1)
        CommuneIndicator.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        CommuneIndicator.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
        for start in range(0, len(seen), ID_CHUNK):
            CommuneIndicator.objects.filter(pk__in=seen[start : start + ID_CHUNK]).update(last_seen=now)
        ids = vanished_ids(existing, is_kept) if deactivate else []
        for start in range(0, len(ids), ID_CHUNK):
            result.deactivated += CommuneIndicator.objects.filter(
                pk__in=ids[start : start + ID_CHUNK]
            ).update(is_active=False)
    return result
