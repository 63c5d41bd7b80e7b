"""One truth for both teams: the dossier's spouse-job need and the candidate's stage are one fact.

The installation advisor sees it as the state of the need « Emploi du conjoint » (à traiter, en cours,
résolu, sans objet); the HR specialist as the candidate's stage. This module is the only code that keeps
them in step, in both directions, driven by signals:

- a candidate's stage changes (``emploi_conjoint.signals.stage_changed``) → the need takes the state
  that stage means (``need_state_for``);
- the advisor changes the need (``post_save`` of ``HouseholdNeed``) → the candidate moves to the stage
  that state means (a job found elsewhere: « En poste »; no longer wanted: « Abandon »; reopened: back to
  the search), with a log line saying it came from the dossier; then the need is set from the stage again.

The need is written with ``QuerySet.update()``, which sends no ``post_save``: a change never comes back.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accompagnement.enums import Need, NeedState
from accompagnement.models import HouseholdNeed

from .enums import ACTIVE, ON_HOLD, Stage

logger = logging.getLogger(__name__)


def need_state_for(stages):
    """The need's state that the stages of a household's candidates mean (None when there is none)."""
    stages = list(stages)
    if not stages:
        return None
    if any(stage in ACTIVE or stage == Stage.PAUSE for stage in stages):
        return NeedState.IN_PROGRESS
    if any(stage == Stage.EN_POSTE for stage in stages):
        return NeedState.RESOLVED
    return NeedState.NOT_APPLICABLE


def _candidates_of(household_id):
    from .models import Candidate

    return list(Candidate.objects.filter(adult__household_id=household_id).order_by("pk"))


def _write_need(household_id, state):
    """Set the need to ``state`` (creating it when a follow-up exists without one), without signals."""
    need = HouseholdNeed.objects.filter(household_id=household_id, kind=Need.SPOUSE_JOB).first()
    if need is None:
        HouseholdNeed.objects.bulk_create([HouseholdNeed(household_id=household_id, kind=Need.SPOUSE_JOB)])
        need = HouseholdNeed.objects.get(household_id=household_id, kind=Need.SPOUSE_JOB)
    if need.state == state:
        return need
    resolved_on = (need.resolved_on or timezone.localdate()) if state == NeedState.RESOLVED else None
    HouseholdNeed.objects.filter(pk=need.pk).update(state=state, resolved_on=resolved_on)
    need.state, need.resolved_on = state, resolved_on
    return need


def sync_need_from_candidates(household_id):
    """Give the household's spouse-job need the state its candidates' stages mean."""
    state = need_state_for(c.stage for c in _candidates_of(household_id))
    if state is None:
        return None
    return _write_need(household_id, state)


def _target_stage(candidate, need_state):
    """Where the candidate goes when the advisor sets the need to ``need_state`` (None: stays)."""
    stage = candidate.stage
    if need_state == NeedState.RESOLVED and stage != Stage.EN_POSTE:
        return Stage.EN_POSTE
    if need_state == NeedState.NOT_APPLICABLE and (stage in ACTIVE or stage == Stage.PAUSE):
        return Stage.ABANDON
    if need_state in (NeedState.TO_DO, NeedState.IN_PROGRESS):
        if stage in ON_HOLD:
            return candidate.held_from_stage or Stage.ACCUEIL
        if stage == Stage.EN_POSTE:
            return Stage.PROSPECTION
    return None


def sync_candidates_from_need(need, *, by=None):
    """Move the household's candidates to the stage the need's state means; then re-derive the need."""
    from .stages import force_move

    candidates = _candidates_of(need.household_id)
    if not candidates:
        return []
    moved = []
    reason = _("Besoin « Emploi du conjoint » passé à « %(state)s » dans le dossier famille") % {
        "state": NeedState(need.state).label
    }
    for candidate in candidates:
        target = _target_stage(candidate, need.state)
        if target is not None:
            force_move(candidate, target, by=by, reason=reason)
            moved.append(candidate)
    sync_need_from_candidates(need.household_id)
    return moved


# --- Receivers (connected in EmploiConjointConfig.ready) --------------------------------------------


def on_stage_changed(sender, candidate, **kwargs):
    sync_need_from_candidates(candidate.adult.household_id)


def on_need_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.kind != Need.SPOUSE_JOB:
        return
    with transaction.atomic():
        sync_candidates_from_need(instance)
