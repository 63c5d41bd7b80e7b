"""Refreshing a source end to end (download, read, validate, publish, record) and computing proximity."""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from . import proximity, sources
from .catalog import ensure_catalog
from .enums import ImportOutcome, SourceState
from .sources.base import MissingRawFile, NetworkError, SourceError

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

    def summary(self):
        r = self.record
        if self.ok:
            text = (
                f"{r.source_id} : {r.created} créés, {r.updated} mis à jour, {r.unchanged} inchangés, "
                f"{r.rejected} rejetés, {r.deactivated} désactivés ({self.duration:.1f} s)"
            )
        else:
            text = f"{r.source_id} : ÉCHEC — {r.message} ({self.duration:.1f} s)"
        if self.warning and self.ok:
            text += f" [{self.warning}]"
        return text


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
    try:
        if not offline:
            try:
                sources.client(slug).fetch(departements)
            except SourceError as exc:
                # A failed download never touches the cache: fall back to what it holds, if anything.
                network_error = exc
                warning = f"téléchargement impossible ({exc}) : fichiers du cache utilisés"
        importer = sources.importer(slug)
        try:
            batch = importer.read(departements, progress=progress)
        except MissingRawFile as exc:
            if network_error is not None:
                raise NetworkError(f"{network_error} — et {exc}") from exc
            raise
        record.total_rows = batch.total_rows
        record.rejected = batch.rejected_count
        record.rejected_rows = batch.rejected
        record.checksum = batch.checksum
        record.data_vintage = getattr(batch, "data_vintage", "")[:100]
        record.data_date = getattr(batch, "data_date", None)
        result = importer.publish(source, batch, force=force, progress=progress)
    except SourceError as exc:
        failed = isinstance(exc, (NetworkError, MissingRawFile))
        record.outcome = ImportOutcome.FAILED if failed else ImportOutcome.REFUSED
        record.message = str(exc)
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
    record.outcome = ImportOutcome.SUCCESS
    record.created, record.updated, record.unchanged = result.created, result.updated, result.unchanged
    record.deactivated = result.deactivated + result.superseded
    record.message = " ; ".join(filter(None, [warning, *getattr(batch, "notes", [])]))
    if result.superseded:
        record.message = (
            record.message + f" {result.superseded} lieux BPE remplacés par cette source."
        ).strip()
    _finish(record, source, ok=True)
    return RefreshOutcome(record, True, time.monotonic() - started, warning)


def _finish(record, source, *, ok):
    from .models import Source

    now = timezone.now()
    record.finished_at = now
    record.save()
    changes = {"state": SourceState.OK if ok else SourceState.FAILED, "last_message": record.message[:2000]}
    if ok:
        changes["last_success_at"] = now
    Source.objects.filter(pk=source.pk).update(**changes)


def compute_proximity(progress=None):
    started = time.monotonic()
    rows = proximity.compute(progress=progress)
    return rows, time.monotonic() - started
