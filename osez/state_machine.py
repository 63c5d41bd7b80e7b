"""Stage machines, one shape for every pipeline: a declarative table of moves, one way to make a move, a log.

A pipeline (a dossier's stages in ``accompagnement/stages.py``, a job search's in
``emploi_conjoint/stages.py``) declares:

- its stages in ``enums.py`` (TextChoices) and its moves as a ``TransitionTable`` of ``Move`` rows —
  from, to, whether a reason is required, and an optional condition on the record;
- its log, a concrete subclass of the abstract ``TransitionLog`` (who, when, from, to, why) with a
  foreign key to the record;
- a ``StageMachine`` tying the two; its ``move()`` is the only code that changes a stage.

``StageMachine.move()`` locks the record's row, asks the pipeline's own check for a refusal (a French
sentence), then sets the stage and the date it changed, bumps the record's ``version`` — so an edit
form opened before the move refuses its save (``osez.locking``) — and writes the log row, all in one
transaction. A record moved this way has the fields ``stage``, ``stage_changed_at`` and ``version``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionRefused(Exception):
    """A move the machine does not allow; ``str(error)`` is the French reason shown to staff."""


@dataclass(frozen=True)
class Move:
    """One allowed move. ``when(record, target)`` narrows it to some records (resume where a search left off)."""

    source: str
    target: str
    reason_required: bool = False
    when: Callable[[object, str], bool] | None = None

    def open_to(self, record):
        return self.when is None or bool(self.when(record, self.target))


class TransitionTable:
    """The moves of one pipeline, in the order a page offers them."""

    def __init__(self, moves):
        self.moves = tuple(moves)

    def find(self, record, target):
        """The move that takes ``record`` from its stage to ``target``, or None when there is none."""
        for move in self.moves:
            if move.source == record.stage and move.target == target and move.open_to(record):
                return move
        return None

    def targets(self, record):
        """The stages ``record`` may move to now, without repeats, in the table's order."""
        found = []
        for move in self.moves:
            if move.source == record.stage and move.open_to(record) and move.target not in found:
                found.append(move.target)
        return found


class TransitionLog(models.Model):
    """Who moved a record, when, from which stage to which, and why (a concrete subclass adds the record)."""

    from_stage = models.CharField(_("de"), max_length=20, blank=True)
    to_stage = models.CharField(_("vers"), max_length=20)
    at = models.DateTimeField(_("le"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("pourquoi"), blank=True)

    class Meta:
        abstract = True
        verbose_name = _("changement d'étape")
        verbose_name_plural = _("changements d'étape")
        ordering = ["at", "pk"]


@dataclass(frozen=True)
class StageMachine:
    """A pipeline's table, and its log model (``"app_label.Model"``) with the log's key to the record."""

    table: TransitionTable
    log_model: str
    log_record_field: str

    def log(self):
        return apps.get_model(self.log_model)

    def open(self, record, *, by=None, reason="", at=None):
        """Write the first line of a new record's log: it starts at its current stage."""
        return self.log().objects.create(
            **{self.log_record_field: record},
            from_stage="",
            to_stage=record.stage,
            at=at or record.stage_changed_at,
            by=by,
            reason=reason,
        )

    def move(self, record, target, *, by=None, reason="", refusal=None, changes=None, log_fields=None):
        """Move ``record`` to ``target``; raise TransitionRefused with the reason when it may not move.

        ``refusal(locked)`` receives the record as it is in the database, row locked, and returns why it
        may not move (or None); without one, the table alone decides. ``changes`` (a dict, or a function
        of the locked record returning one) are other fields written with the stage; ``log_fields`` go on
        the log row. ``record`` is refreshed with what was written. Returns the log row.
        """
        model = type(record)
        with transaction.atomic():
            locked = model.objects.select_for_update().get(pk=record.pk)
            why_not = refusal(locked) if refusal is not None else self._refusal(locked, target)
            if why_not:
                raise TransitionRefused(why_not)
            now = timezone.now()
            extra = changes(locked) if callable(changes) else dict(changes or {})
            updates = {"stage": target, "stage_changed_at": now, **extra}
            if any(field.name == "updated_at" for field in model._meta.concrete_fields):
                updates["updated_at"] = now
            # Bumping the version makes an edit form opened before the move refuse its save.
            model.objects.filter(pk=locked.pk).update(version=F("version") + 1, **updates)
            entry = self.log().objects.create(
                **{self.log_record_field: locked},
                from_stage=locked.stage,
                to_stage=target,
                at=now,
                by=by,
                reason=reason,
                **(log_fields or {}),
            )
        record.refresh_from_db(fields=["version", *updates])
        return entry

    def _refusal(self, locked, target):
        if self.table.find(locked, target) is None:
            return _("Ce changement d'étape n'est pas possible.")
        return None
