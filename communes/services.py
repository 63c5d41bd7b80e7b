"""Refreshing a source end to end (download, read, validate, publish, record) and computing proximity.

When a source can be neither downloaded nor found in the raw cache, and nothing real was ever published
for it, the import falls back to the embedded Aube of ``fixtures/raw/<source>/`` (``OSEZ_FIXTURES_DIR``):
real communes, fictional demonstration layers. A source whose raw folder holds a ``FICTIONAL`` file, or
whose rows are named "(fictif)", is recorded as fictional (``ImportRecord`` and ``Source.is_fictional``)
so that the site can say so; a publication of real data clears it.
"""

import contextlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from . import proximity, sources
from .catalog import ensure_catalog
from .enums import ImportOutcome, SourceState
from .sources.download import fictional_note, reading_from
from .sources.errors import MissingRawFile, NetworkError, SourceError

logger = logging.getLogger(__name__)


@dataclass
class RefreshOutcome:
    record: object
    ok: bool
    duration: float
    warning: str = ""
    network_error: bool = False

    @property
    def changed(self):
        r = self.record
        return bool(r.created or r.updated or r.deactivated)

    @property
    def moves_proximity(self):
        """Communes or places changed: the proximity figures must be recomputed (~100 s nationally), which
        figures per commune (the indicator sources) never require."""
        return self.changed and self.record.source_id in sources.PLACE_SOURCES

    def summary(self):
        r = self.record
        if self.ok:
            text = (
                f"{r.source_id} : {r.created} créés, {r.updated} mis à jour, {r.unchanged} inchangés, "
                f"{r.rejected} rejetés, {r.deactivated} désactivés ({self.duration:.1f} s)"
            )
            if r.data_vintage:
                text += f" — {r.data_vintage}"
            if r.is_fictional:
                text += " — DONNÉES FICTIVES"
        else:
            text = f"{r.source_id} : ÉCHEC — {r.message} ({self.duration:.1f} s)"
        if self.ok and (r.message or self.warning):
            text += f" [{r.message or self.warning}]"
        return text


def fixtures_dir():
    return settings.OSEZ_FIXTURES_DIR


def may_use_fixtures(source):
    """The embedded demonstration data may stand in for a source that never published real data."""
    if not settings.OSEZ_FIXTURES_FALLBACK:
        return False
    if not (fixtures_dir() / source.slug).is_dir():
        return False
    return source.last_success_at is None or source.is_fictional


def _last_success_checksum(source):
    from .models import ImportRecord

    return (
        ImportRecord.objects.filter(source=source, outcome=ImportOutcome.SUCCESS)
        .order_by("-started_at")
        .values_list("checksum", flat=True)
        .first()
    )


def _read(slug, importer, departements, progress, source, network_error):
    """(batch, warning, from_fixtures): the raw cache, else the embedded fixtures when allowed.

    The fixtures may stand in when the source never published anything real — or when what it last
    published *is* the embedded snapshot (same checksum: the real communes of ``fixtures/``), so that a
    second offline ``make run`` finds everything unchanged rather than failing.
    """
    try:
        return importer.read(departements, progress=progress), "", False
    except MissingRawFile as exc:
        usable = settings.OSEZ_FIXTURES_FALLBACK and (fixtures_dir() / slug).is_dir()
        if usable:
            with reading_from(fixtures_dir()):
                try:
                    batch = importer.read(departements, progress=progress)
                except MissingRawFile:
                    usable = False
        if usable and (may_use_fixtures(source) or batch.checksum == _last_success_checksum(source)):
            why = f"téléchargement impossible ({network_error})" if network_error else str(exc)
            return batch, f"{why} — données de démonstration embarquées utilisées (fixtures/raw/{slug})", True
        if network_error is not None:
            raise NetworkError(f"{network_error} — et {exc}") from exc
        raise


def refresh_source(
    slug,
    *,
    offline=False,
    departements=None,
    force=False,
    progress=None,
    triggered_by="",
    raise_network=False,
):
    """Download (unless offline) and import one source; the published data change only on success.

    Returns a RefreshOutcome; with ``raise_network`` a download failure with no usable cache is raised
    as NetworkError after being recorded (the Celery task retries it).
    """
    from .models import ImportRecord, Source

    ensure_catalog()
    departements = list(departements or settings.OSEZ_DEPARTEMENTS)
    source = Source.objects.get(slug=slug)
    started = time.monotonic()
    now = timezone.now()
    record = ImportRecord.objects.create(
        source=source, started_at=now, forced=force, triggered_by=triggered_by
    )
    Source.objects.filter(pk=slug).update(state=SourceState.RUNNING, last_attempt_at=now)
    warning = ""
    network_error = None
    batch = None
    try:
        if not offline:
            try:
                sources.client(slug).fetch(departements)
            except SourceError as exc:
                # A failed download never touches the cache: fall back to what it holds, if anything.
                network_error = exc
                warning = f"téléchargement impossible ({exc}) : fichiers du cache utilisés"
        importer = sources.importer(slug)
        batch, fallback_warning, from_fixtures = _read(
            slug, importer, departements, progress, source, network_error
        )
        warning = fallback_warning or warning
        if hasattr(batch, "finish"):
            batch.finish()
        with reading_from(fixtures_dir()) if from_fixtures else contextlib.nullcontext():
            fictional = fictional_note(slug)
        _describe(record, batch, fictional)
        result = importer.publish(source, batch, force=force, progress=progress)
    except SourceError as exc:
        failed = isinstance(exc, (NetworkError, MissingRawFile))
        record.outcome = ImportOutcome.FAILED if failed else ImportOutcome.REFUSED
        record.message = str(exc)
        if batch is not None:
            _describe(record, batch, record.is_fictional)
        _finish(record, source, ok=False)
        outcome = RefreshOutcome(
            record, False, time.monotonic() - started, warning, network_error is not None
        )
        if raise_network and isinstance(exc, NetworkError):
            raise NetworkError(record.message) from exc
        return outcome
    except Exception as exc:
        logger.exception("refresh of %s failed", slug)
        record.outcome = ImportOutcome.FAILED
        record.message = f"erreur inattendue : {type(exc).__name__}: {exc}"
        _finish(record, source, ok=False)
        return RefreshOutcome(record, False, time.monotonic() - started, warning)
    _describe(record, batch, record.is_fictional)
    record.outcome = ImportOutcome.SUCCESS
    record.created, record.updated, record.unchanged = result.created, result.updated, result.unchanged
    record.deactivated = result.deactivated + result.superseded
    notes = [warning] if warning else []
    if result.superseded:
        notes.append(f"{result.superseded} lieux BPE remplacés par cette source.")
    if getattr(batch, "merged", 0):
        notes.append(f"{batch.merged} lignes en double exact fusionnées.")
    if getattr(result, "kept", 0):
        notes.append(f"{result.kept} éléments à la ligne invalide : version publiée conservée.")
    notes.extend(getattr(batch, "notes", []))
    # One sentence per note, whoever wrote it (the batch's notes have no final period).
    record.message = " ".join(n if n.endswith(".") else f"{n}." for n in notes)
    _finish(record, source, ok=True)
    return RefreshOutcome(record, True, time.monotonic() - started, warning)


def _describe(record, batch, fictional):
    """Copy a batch's counts, data date and fictional flag onto its import record."""
    record.total_rows = batch.total_rows
    record.rejected = batch.rejected_count
    record.rejected_rows = batch.rejected
    record.checksum = batch.checksum
    record.data_vintage = (getattr(batch, "vintage", "") or "")[:100]
    record.data_date = getattr(batch, "data_date", None)
    record.is_fictional = bool(fictional or getattr(batch, "fictional_rows", 0))


def _finish(record, source, *, ok):
    from .models import Source

    now = timezone.now()
    record.finished_at = now
    record.save()
    changes = {"state": SourceState.OK if ok else SourceState.FAILED, "last_message": record.message[:2000]}
    if ok:
        changes.update(
            last_success_at=now, data_vintage=record.data_vintage, data_date=record.data_date,
            is_fictional=record.is_fictional,
        )  # fmt: skip
    Source.objects.filter(pk=source.pk).update(**changes)


def compute_proximity(progress=None):
    started = time.monotonic()
    rows = proximity.compute(progress=progress)
    return rows, time.monotonic() - started
