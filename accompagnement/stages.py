"""A dossier's stage machine: nouvelle demande → premier contact → projet → arrivé → suivi terminé.

``TRANSITIONS`` is the table of moves (one stage at a time, and closing from any open stage); each move
has its own function, which checks what that move needs (an arrival date in the past, an outcome that
fits the stage) and goes through ``MACHINE.move()`` (osez.state_machine): row lock, stage and date,
version bump, log row. ``move_to()`` is the one entry point for a page: it refuses a skipped or
backward move with the reason, then calls the move's function.

The house style puts operations that change a state in ``services.py``; the stage machine has a module
of its own so that it reads as one table with its moves, and so that mutation testing (``make
mutation``) measures the rules alone.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from osez.state_machine import Move, StageMachine, TransitionRefused, TransitionTable

from .enums import Outcome, Stage, TaskKind
from .milestones import create_milestones

STAGE_ORDER = [Stage.NEW, Stage.FIRST_CONTACT, Stage.PROJECT, Stage.ARRIVED, Stage.CLOSED]
OPEN_STAGES = STAGE_ORDER[:-1]
# Before arrival a dossier can only end "sans suite" or "perdu de vue"; every outcome is allowed after.
OUTCOMES_BEFORE_ARRIVAL = {Outcome.NO_FOLLOW_UP, Outcome.LOST}
# "Installé durablement" is observed at least six months after the arrival.
SETTLED_AFTER_DAYS = 182

TRANSITIONS = TransitionTable(
    [
        Move(Stage.NEW, Stage.FIRST_CONTACT),
        Move(Stage.FIRST_CONTACT, Stage.PROJECT),
        Move(Stage.PROJECT, Stage.ARRIVED),
        *(Move(stage, Stage.CLOSED) for stage in OPEN_STAGES),
    ]
)
MACHINE = StageMachine(TRANSITIONS, log_model="accompagnement.StageTransition", log_record_field="household")

# What moving to each stage means, shown next to the button (for advisors new to the tool).
STAGE_HELP = {
    Stage.FIRST_CONTACT: _lazy(
        "Vous avez parlé avec la famille (appel ou rendez-vous) et compris son projet."
    ),
    Stage.PROJECT: _lazy(
        "La famille prépare son installation avec vous : communes, logement, école, garde, médecin."
    ),
    Stage.ARRIVED: _lazy(
        "La famille est arrivée : les points de suivi de la première année sont créés à partir de la date d'arrivée."
    ),
}


def next_stage(stage):
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def _closed_message():
    return _("Ce dossier est clos : il ne change plus d'étape.")


def _skip_message(current, to_stage):
    if current == to_stage:
        return _("Le dossier est déjà à l'étape « %(current)s ».") % {"current": Stage(current).label}
    return _(
        "Impossible de passer à « %(to)s » : le dossier est à l'étape « %(current)s ». "
        "L'étape suivante est « %(next)s » : on ne saute pas d'étape."
    ) % {
        "to": Stage(to_stage).label,
        "current": Stage(current).label,
        "next": Stage(next_stage(current)).label,
    }


def _move(household, expected, to_stage, *, by, reason, changes=None, log_fields=None):
    """Move ``household`` from ``expected`` to ``to_stage``, refused when it no longer stands there."""

    def refusal(locked):
        if locked.stage == expected:
            return None
        return _closed_message() if locked.stage == Stage.CLOSED else _skip_message(locked.stage, to_stage)

    MACHINE.move(
        household, to_stage, by=by, reason=reason, refusal=refusal, changes=changes, log_fields=log_fields
    )
    return household


def open_dossier(household, *, by=None, reason=""):
    """The first line of a new dossier's log (it starts at « nouvelle demande »)."""
    return MACHINE.open(household, by=by, reason=reason)


def record_first_contact(household, *, by, reason=""):
    """nouvelle demande → premier contact: an advisor has spoken to the family (and takes the dossier)."""

    def assign(locked):
        return {"advisor": by} if locked.advisor_id is None and by is not None else {}

    return _move(household, Stage.NEW, Stage.FIRST_CONTACT, by=by, reason=reason, changes=assign)


def start_project(household, *, by, reason=""):
    """premier contact → projet d'installation: the family is preparing its move with us."""
    return _move(household, Stage.FIRST_CONTACT, Stage.PROJECT, by=by, reason=reason)


def mark_arrived(household, *, by, arrival_date=None, reason=""):
    """projet d'installation → arrivé: records the arrival date and creates the first-year milestones."""
    arrival_date = arrival_date or household.arrival_date
    if arrival_date is None:
        raise TransitionRefused(_("Indiquez la date d'arrivée de la famille."))
    if arrival_date > timezone.localdate():
        raise TransitionRefused(
            _("La date d'arrivée (%(date)s) est dans le futur : la famille n'est pas encore arrivée.")
            % {"date": arrival_date.strftime("%d/%m/%Y")}
        )
    with transaction.atomic():
        _move(
            household, Stage.PROJECT, Stage.ARRIVED, by=by, reason=reason,
            changes={"arrival_date": arrival_date},
        )  # fmt: skip
        create_milestones(household, owner=household.advisor or by)
    return household


def _outcome_refusal(household, outcome):
    if household.stage == Stage.CLOSED:
        return _closed_message()
    if household.stage != Stage.ARRIVED and outcome not in OUTCOMES_BEFORE_ARRIVAL:
        return _(
            "« %(outcome)s » suppose que la famille est arrivée : le dossier est à l'étape « %(current)s ». "
            "Avant l'arrivée, un dossier se clôt « sans suite » ou « perdu de vue »."
        ) % {"outcome": outcome.label, "current": Stage(household.stage).label}
    if (
        outcome == Outcome.SETTLED
        and household.arrival_date
        and (timezone.localdate() - household.arrival_date).days < SETTLED_AFTER_DAYS
    ):
        return _(
            "« Installé durablement » se constate au moins six mois après l'arrivée : poursuivez le suivi."
        )
    return None


def close_followup(household, *, by, outcome, reason=""):
    """→ suivi terminé with an outcome. After arrival any outcome; before, only "sans suite" or "perdu de vue"."""
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise TransitionRefused(_("Choisissez l'issue du suivi.")) from None
    why_not = _outcome_refusal(household, outcome)
    if why_not:
        raise TransitionRefused(why_not)
    with transaction.atomic():
        _move(
            household, household.stage, Stage.CLOSED, by=by, reason=reason,
            changes={"outcome": outcome, "closed_on": timezone.localdate()}, log_fields={"outcome": outcome},
        )  # fmt: skip
        # Milestones still open no longer make sense once the follow-up is over.
        household.tasks.open().filter(kind=TaskKind.MILESTONE).delete()
    return household


# The function that makes each move of the table (by target: each target has one way in).
PERFORM = {
    Stage.FIRST_CONTACT: record_first_contact,
    Stage.PROJECT: start_project,
    Stage.ARRIVED: mark_arrived,
    Stage.CLOSED: close_followup,
}


def move_to(household, to_stage, *, by, reason="", **kwargs):
    """Make the move to ``to_stage`` if the table has it; refuses a skipped stage with the reason."""
    try:
        to_stage = Stage(to_stage)
    except ValueError:
        raise TransitionRefused(_("Étape inconnue.")) from None
    if to_stage == Stage.NEW:
        raise TransitionRefused(_("Un dossier ne revient pas à « nouvelle demande »."))
    if household.stage == Stage.CLOSED:
        raise TransitionRefused(_closed_message())
    if TRANSITIONS.find(household, to_stage) is None:
        raise TransitionRefused(_skip_message(household.stage, to_stage))
    return PERFORM[to_stage](household, by=by, reason=reason, **kwargs)
