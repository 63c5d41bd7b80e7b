"""A job search's stage machine: accueil → bilan → CV prêt → prospection → entretien → en poste,
with pause and abandon beside the path.

``TRANSITIONS`` is the table of moves: one step forward at a time; any step back, with a reason; pause
or abandon from an active stage, with a reason; abandon from a pause; and back from a pause or an
abandon only to the stage the search left. Entering « CV prêt » needs a CV version, entering
« en prospection » a consent on record. ``move()`` goes through ``MACHINE.move()``
(osez.state_machine): row lock, stage and date, version bump, log row. (In its own module rather than
``services.py``, as the dossier's: see ``accompagnement/stages.py``.)
"""

from datetime import timedelta
from itertools import pairwise

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from osez.state_machine import Move, StageMachine, TransitionTable

from .enums import ACTIVE, ON_HOLD, PATH, Stage
from .signals import stage_changed


def _left_for(record):
    """The stage a held search resumes at."""
    return record.held_from_stage or Stage.ACCUEIL


def _resumes_where_it_left(record, target):
    return _left_for(record) == target


TRANSITIONS = TransitionTable(
    [
        # Forward, one step at a time.
        *(Move(source, target) for source, target in pairwise(PATH)),
        # Back to any earlier step, saying why (newest first, as a card lists them).
        *(
            Move(source, target, reason_required=True)
            for index, source in enumerate(PATH)
            for target in reversed(PATH[:index])
        ),
        # On hold from an active stage, saying why.
        *(Move(source, target, reason_required=True) for source in ACTIVE for target in ON_HOLD),
        # Back from a hold, only to the stage left.
        *(Move(held, target, when=_resumes_where_it_left) for held in ON_HOLD for target in ACTIVE),
        Move(Stage.PAUSE, Stage.ABANDON, reason_required=True),
    ]
)
MACHINE = StageMachine(TRANSITIONS, log_model="emploi_conjoint.StageTransition", log_record_field="candidate")


def _label(stage):
    return str(Stage(stage).label)


def _entry_refusal(candidate, target):
    """What entering ``target`` needs, said when it is missing."""
    if target == Stage.CV_PRET and not candidate.cv_versions.exists():
        return _("Pour passer à « CV prêt », déposez d'abord une version du CV.")
    if target == Stage.PROSPECTION and not candidate.has_consent:
        return _(
            "Pour passer « en prospection », enregistrez d'abord le consentement de la personne : "
            "sans lui, son CV ne peut être montré à aucune entreprise."
        )
    return None


def _not_in_table(candidate, target):
    """Why the table has no move from the candidate's stage to ``target``, in words."""
    current = candidate.stage
    if current in ON_HOLD:
        return _("La personne est « %(current)s » : on reprend le suivi à l'étape quittée, « %(left)s ».") % {
            "current": _label(current),
            "left": _label(_left_for(candidate)),
        }
    if target in ON_HOLD:
        return _("La personne est en poste : il n'y a plus de suivi à mettre en pause ou à arrêter.")
    here = PATH.index(current)
    return _("On ne saute pas d'étape : après « %(current)s » vient « %(next)s », pas « %(target)s ».") % {
        "current": _label(current),
        "next": _label(PATH[here + 1]),
        "target": _label(target),
    }


def refusal(candidate, target, reason):
    """Why ``candidate`` cannot move to ``target`` now, or None when the move is allowed."""
    if target not in Stage.values:
        return _("Cette étape n'existe pas.")
    if target == candidate.stage:
        return _("La personne est déjà à l'étape « %(stage)s ».") % {"stage": _label(candidate.stage)}
    move = TRANSITIONS.find(candidate, target)
    if move is None:
        return _not_in_table(candidate, target)
    if move.reason_required and not reason.strip():
        return _("Indiquez pourquoi : c'est obligatoire pour une pause, un abandon ou un retour en arrière.")
    return _entry_refusal(candidate, target)


def possible_moves(candidate):
    """The stages a card offers: the next one, earlier stages (with a reason), pause/abandon/resume."""
    return TRANSITIONS.targets(candidate)


def next_step_hint(candidate):
    """What is missing before the next stage of the path, in words (None when nothing is)."""
    if candidate.stage not in ACTIVE:
        return None
    following = PATH[PATH.index(candidate.stage) + 1]
    return refusal(candidate, following, reason="-")


def move(candidate, target, *, by=None, reason="", expected_stage=None):
    """Move a candidate to ``target`` if the machine allows it; log who, when, from, to and why."""

    def why_not(locked):
        if expected_stage and locked.stage != expected_stage:
            return _(
                "Quelqu'un a déjà changé l'étape de cette personne (elle est maintenant « %(stage)s »)."
            ) % {"stage": _label(locked.stage)}
        return refusal(locked, target, reason)

    def held_from(locked):
        # Keep the stage left before the first hold, so "reprendre" returns there even after pause → abandon.
        if target not in ON_HOLD:
            return {"held_from_stage": ""}
        return {"held_from_stage": locked.held_from_stage if locked.stage in ON_HOLD else locked.stage}

    MACHINE.move(candidate, target, by=by, reason=reason.strip()[:300], refusal=why_not, changes=held_from)
    stage_changed.send(sender=type(candidate), candidate=candidate, by=by)
    return candidate


def force_move(candidate, target, *, by=None, reason=""):
    """Move a candidate where a fact recorded elsewhere puts them, outside the path's rules.

    Only for ``one_truth``: when the advisor records in the dossier that the spouse found a job, the
    search is « En poste » whatever step it was at — refusing would keep two truths. Logged like any move.
    """
    if candidate.stage == target:
        return candidate

    def held_from(locked):
        if target not in ON_HOLD:
            return {"held_from_stage": ""}
        return {"held_from_stage": locked.held_from_stage if locked.stage in ON_HOLD else locked.stage}

    MACHINE.move(
        candidate, target, by=by, reason=reason[:300], refusal=lambda locked: None, changes=held_from
    )
    stage_changed.send(sender=type(candidate), candidate=candidate, by=by)
    return candidate


@transaction.atomic
def open_candidate(candidate, *, by=None):
    """Save a new candidate and log the opening of the follow-up (the first line of the timeline)."""
    candidate.stage = Stage.ACCUEIL
    candidate.stage_changed_at = timezone.now()
    candidate.save()
    MACHINE.open(candidate, by=by, reason=_("Ouverture du suivi"))
    stage_changed.send(sender=type(candidate), candidate=candidate, by=by)
    return candidate


def stage_durations(candidate, now=None):
    """Time spent at each stage, in path order, including the current one up to now."""
    now = now or timezone.now()
    totals = {}
    transitions = list(candidate.transitions.order_by("at", "pk"))
    if not transitions:
        # A candidate entered by hand in the admin has no log yet: it has been at its stage since creation.
        return [(Stage(candidate.stage), now - candidate.created_at)]
    for current, following in zip(transitions, [*transitions[1:], None], strict=True):
        end = following.at if following else now
        totals[current.to_stage] = totals.get(current.to_stage, timedelta()) + (end - current.at)
    order = [*PATH, *ON_HOLD]
    return [(Stage(s), totals[s]) for s in order if s in totals]
