"""Operations of the pipeline: stage moves, consents, CV versions, introductions, reminders.

Views, commands, tasks and the demo all go through these functions, so a rule (no skipped stage, no
introduction without consent, no CV that is not a CV) holds whatever the entry point.
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from osez import roles

from . import consent as consent_text
from .cv import check_cv
from .enums import ACTIVE, ON_HOLD, PATH, Stage
from .models import Candidate, Consent, CVVersion, Introduction, StageTransition


class MoveRefused(Exception):
    """A stage change that the state machine does not allow; ``str()`` says why, in French."""


class IntroductionRefused(Exception):
    """An introduction that cannot be made (no consent on record)."""


# --- Stage machine ---------------------------------------------------------------------------------


def _label(stage):
    return str(Stage(stage).label)


def refusal(candidate, target, reason=""):
    """Why ``candidate`` cannot move to ``target`` now, or None when the move is allowed."""
    current = candidate.stage
    if target not in Stage.values:
        return _("Cette étape n'existe pas.")
    if target == current:
        return _("La personne est déjà à l'étape « %(stage)s ».") % {"stage": _label(current)}
    if current in ON_HOLD:
        if target == Stage.ABANDON and current == Stage.PAUSE:
            pass
        elif target != candidate.held_from_stage:
            return _(
                "La personne est « %(current)s » : on reprend le suivi à l'étape quittée, « %(left)s »."
            ) % {"current": _label(current), "left": _label(candidate.held_from_stage or Stage.ACCUEIL)}
    elif target in ON_HOLD:
        if current not in ACTIVE:
            return _("La personne est en poste : il n'y a plus de suivi à mettre en pause ou à arrêter.")
    else:
        here, there = PATH.index(current), PATH.index(target)
        if there > here + 1:
            return _(
                "On ne saute pas d'étape : après « %(current)s » vient « %(next)s », pas « %(target)s »."
            ) % {"current": _label(current), "next": _label(PATH[here + 1]), "target": _label(target)}
    going_back = current in PATH and target in PATH and PATH.index(target) < PATH.index(current)
    if (target in ON_HOLD or going_back) and not reason.strip():
        return _("Indiquez pourquoi : c'est obligatoire pour une pause, un abandon ou un retour en arrière.")
    if target == Stage.CV_PRET and not candidate.cv_versions.exists():
        return _("Pour passer à « CV prêt », déposez d'abord une version du CV.")
    if target == Stage.PROSPECTION and not candidate.has_consent:
        return _(
            "Pour passer « en prospection », enregistrez d'abord le consentement de la personne : "
            "sans lui, son CV ne peut être montré à aucune entreprise."
        )
    return None


def possible_moves(candidate):
    """The stages a card offers: the next one, pause/abandon/resume, and earlier stages (with a reason)."""
    current = candidate.stage
    if current in ON_HOLD:
        targets = [candidate.held_from_stage or Stage.ACCUEIL]
        if current == Stage.PAUSE:
            targets.append(Stage.ABANDON)
        return targets
    here = PATH.index(current)
    targets = PATH[here + 1 : here + 2] + list(reversed(PATH[:here]))
    if current in ACTIVE:
        targets += [Stage.PAUSE, Stage.ABANDON]
    return targets


def next_step_hint(candidate):
    """What is missing before the next stage of the path, in words (None when nothing is)."""
    if candidate.stage not in ACTIVE:
        return None
    following = PATH[PATH.index(candidate.stage) + 1]
    return refusal(candidate, following, reason="-")


@transaction.atomic
def move(candidate, target, *, by=None, reason="", expected_stage=None):
    """Move a candidate to ``target`` if the machine allows it; log who, when, from, to and why."""
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if expected_stage and locked.stage != expected_stage:
        raise MoveRefused(
            _("Quelqu'un a déjà changé l'étape de cette personne (elle est maintenant « %(stage)s »).")
            % {"stage": _label(locked.stage)}
        )
    why_not = refusal(locked, target, reason)
    if why_not:
        raise MoveRefused(why_not)
    now = timezone.now()
    source = locked.stage
    if target in ON_HOLD:
        # Keep the stage left before the first hold, so "reprendre" returns there even after pause → abandon.
        if source not in ON_HOLD:
            locked.held_from_stage = source
    else:
        locked.held_from_stage = ""
    locked.stage, locked.stage_since = target, now
    locked.save(update_fields=["stage", "stage_since", "held_from_stage", "updated_at"])
    StageTransition.objects.create(
        candidate=locked, from_stage=source, to_stage=target, at=now, by=by, reason=reason.strip()[:300]
    )
    candidate.stage, candidate.stage_since, candidate.held_from_stage = target, now, locked.held_from_stage
    return candidate


@transaction.atomic
def open_candidate(candidate, *, by=None):
    """Save a new candidate and log the opening of the follow-up (the first line of the timeline)."""
    candidate.stage = Stage.ACCUEIL
    candidate.stage_since = timezone.now()
    candidate.save()
    StageTransition.objects.create(
        candidate=candidate, from_stage="", to_stage=Stage.ACCUEIL, at=candidate.stage_since, by=by,
        reason=_("Ouverture du suivi"),
    )  # fmt: skip
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


# --- Consent and CV --------------------------------------------------------------------------------


def record_consent(candidate, *, by=None, given_on=None, text_version=None):
    return Consent.objects.create(
        candidate=candidate,
        text_version=text_version or consent_text.CURRENT_VERSION,
        given_on=given_on or timezone.localdate(),
        recorded_by=by,
    )


def withdraw_consent(candidate, *, on=None):
    current = candidate.current_consent
    if current is None:
        return None
    current.withdrawn_on = on or timezone.localdate()
    current.save(update_fields=["withdrawn_on"])
    return current


def add_cv_version(candidate, uploaded, *, note="", by=None):
    """Check the file (raises ValidationError, storing nothing), then store it privately with its note."""
    checked = check_cv(uploaded)
    original_name = Path(uploaded.name or "cv").name[:200]
    uploaded.name = f"cv{checked.extension}"
    version = CVVersion(
        candidate=candidate,
        original_name=original_name,
        file_kind=checked.kind,
        size=checked.size,
        note=note.strip()[:300],
        uploaded_by=by,
    )
    version.file.save(uploaded.name, uploaded, save=False)
    try:
        with transaction.atomic():
            version.save()
    except Exception:
        # The row could not be written: do not leave an orphan CV on disk.
        version.file.storage.delete(version.file.name)
        raise
    return version


# --- Introductions ---------------------------------------------------------------------------------


def introduce(candidate, *, organisation=None, opportunity=None, by=None, date=None, channel=None,
              next_follow_up=None, notes=""):  # fmt: skip
    """Record that the candidate was introduced; refused when no consent is on record."""
    if not candidate.has_consent:
        raise IntroductionRefused(
            _(
                "Mise en relation refusée : %(name)s n'a pas donné son consentement (ou l'a retiré). "
                "Enregistrez-le d'abord sur sa fiche : sans lui, son CV ne peut être montré à aucune entreprise."
            )
            % {"name": candidate}
        )
    if opportunity is not None:
        organisation = opportunity.organisation
    if organisation is None:
        raise IntroductionRefused(_("Choisissez une organisation ou une offre."))
    intro = Introduction(
        candidate=candidate, organisation=organisation, opportunity=opportunity, made_by=by,
        next_follow_up=next_follow_up, notes=notes,
    )  # fmt: skip
    if date:
        intro.date = date
    if channel:
        intro.channel = channel
    intro.full_clean(exclude=["made_by"])
    intro.save()
    return intro


def record_outcome(intro, *, outcome, next_follow_up=None, notes=None):
    intro.outcome = outcome
    intro.next_follow_up = next_follow_up
    if notes is not None:
        intro.notes = notes
    intro.save(update_fields=["outcome", "next_follow_up", "notes", "updated_at"])
    return intro


# --- Morning reminders -----------------------------------------------------------------------------


def hr_specialists():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.HR)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def send_reminders(today=None):
    """E-mail each HR specialist the follow-ups due today or late; return how many e-mails were sent."""
    today = today or timezone.localdate()
    sent = 0
    for user in hr_specialists():
        due = list(Introduction.objects.due(today).for_user(user).distinct())
        if not due:
            continue
        lines = [
            _("- %(candidate)s → %(organisation)s (relance prévue le %(date)s)")
            % {
                "candidate": intro.candidate.adult.first_name,
                "organisation": intro.organisation.name,
                "date": intro.next_follow_up.strftime("%d/%m/%Y"),
            }
            for intro in due
        ]
        body = "\n".join(
            [
                _("Bonjour,"),
                "",
                _("Vous avez %(count)s relance(s) à faire aujourd'hui :") % {"count": len(due)},
                *lines,
                "",
                _("Le détail est sur la page « Mes relances » : %(url)s")
                % {"url": reverse("emploi_conjoint:follow-ups")},
            ]
        )
        send_mail(
            _("Osez — vos relances emploi du %(date)s") % {"date": today.strftime("%d/%m/%Y")},
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        sent += 1
    return sent


def clean_or_message(exc):
    """One French sentence from a ValidationError, for messages shown to staff."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
