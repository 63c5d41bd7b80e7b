"""What every reader is told about a source besides its figures: the data's own date (vintage), whether
the publisher has released anything newer than what is imported, and whether what is published is
fictional demonstration data.

"À jour" is judged against the *publisher's* rhythm (``Source.published_every``): a yearly BPE imported
last week is up to date until its next vintage can exist, however old its reference date; the import
rhythm (``Source.expected_every``) only decides when failed or missing imports make us lose track.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .enums import SourceState

# A publisher is rarely on the day: an edition counts as "due" only this long after its rhythm says.
MIN_EDITION_MARGIN = timedelta(days=2)
EDITION_MARGIN_SHARE = 0.25


class Edition:
    """States of a source's published edition, from the reader's point of view."""

    NEVER = "never"
    CURRENT = "current"
    OUTDATED = "outdated"  # the publisher has most probably released a newer edition
    LATE = "late"  # no rhythm or date to judge the edition by, and no successful import for too long


@dataclass(frozen=True)
class EditionStatus:
    state: str
    label: str
    next_edition: date | None  # when the publisher's next edition is due, when that can be told
    failing: bool  # the last attempt to import failed

    @property
    def is_current(self):
        return self.state == Edition.CURRENT


def next_edition_due(source) -> date | None:
    if source.data_date is None or not source.published_every:
        return None
    return source.data_date + source.published_every


def import_is_late(source, now=None) -> bool:
    """No successful import within the import rhythm plus a margin (the rule of ``Source.is_stale``)."""
    if source.last_success_at is None:
        return True
    now = now or timezone.now()
    margin = max(source.expected_every * 0.5, timedelta(days=2))
    return now - source.last_success_at > source.expected_every + margin


def edition_status(source, now=None) -> EditionStatus:
    """Whether the publisher has published nothing newer than what is imported.

    - the next edition is not due yet (data date + publication rhythm, with a margin): current, even
      when the last import attempts failed (there is nothing newer to miss);
    - it is due, but an import succeeded after that date and recently: we looked, the publisher had
      nothing newer yet: current;
    - otherwise a newer edition has most probably been published and is not here: outdated;
    - without a data date or a publication rhythm, only the import rhythm can judge.
    """
    now = now or timezone.now()
    failing = source.state == SourceState.FAILED
    if source.last_success_at is None:
        return EditionStatus(Edition.NEVER, _("jamais importée"), None, failing)
    late = import_is_late(source, now)
    due = next_edition_due(source)
    if due is None:
        if late:
            return EditionStatus(Edition.LATE, _("à actualiser"), None, failing)
        return EditionStatus(Edition.CURRENT, _("à jour"), None, failing)
    margin = max(source.published_every * EDITION_MARGIN_SHARE, MIN_EDITION_MARGIN)
    today = timezone.localdate(now)
    if today <= due + margin:
        return EditionStatus(Edition.CURRENT, _("à jour"), due, failing)
    if timezone.localdate(source.last_success_at) >= due and not late:
        return EditionStatus(Edition.CURRENT, _("à jour"), due, failing)
    return EditionStatus(Edition.OUTDATED, _("édition plus récente probablement parue"), due, failing)


def vintage_label(source_or_record) -> str:
    """ "BPE 2024", "27 mai 2026", or "" when the source gave neither (never a made-up date)."""
    vintage = (getattr(source_or_record, "data_vintage", "") or "").strip()
    if vintage:
        return vintage
    data_date = getattr(source_or_record, "data_date", None)
    return formats.date_format(data_date, "j F Y") if data_date else ""


def is_fictional(source) -> bool:
    """What the source publishes now is fictional demonstration data: ``Source.is_fictional``, which the
    pipeline sets from each successful publication (``communes.services``: the ``FICTIONAL`` marker of the
    files read, or rows named "(fictif)") and which a failed attempt leaves as it was. The one rule the
    banner, /donnees/, the admin, the API and the downloads read."""
    return bool(source.is_fictional)
