"""Operations of the pipeline: consents, CV versions, introductions, reminders (stage moves: stages.py).

Views, commands, tasks and the demo all go through these functions, so a rule (no skipped stage, no
introduction without consent, no CV that is not a CV) holds whatever the entry point.
"""

from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from osez import roles

from . import consent as consent_text
from .cv import check_cv
from .enums import ACTIVE, Outcome, RefusalReason, Stage, StepKind
from .models import Consent, CVVersion, Introduction, IntroductionStep

CLOSED_OUTCOMES = (Outcome.NO_FOLLOW_UP, Outcome.HIRED)


class IntroductionRefused(Exception):
    """An introduction that cannot be made (no consent on record)."""


class ConsentRefused(Exception):
    """A consent that cannot be recorded (one is already active)."""


class StepRefused(Exception):
    """A step of an introduction that is missing what it needs; ``field`` names the form field."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


# --- Consent and CV --------------------------------------------------------------------------------


@transaction.atomic
def record_consent(candidate, *, by=None, given_on=None, text_version=None, proof=None):
    """Record the candidate's consent; refused while one is active (withdraw it first)."""
    from .models import Candidate

    # Lock the candidate: two people recording at once must not both pass the check below.
    Candidate.objects.select_for_update().filter(pk=candidate.pk).first()
    active = candidate.current_consent
    if active is not None:
        raise ConsentRefused(
            _(
                "Un consentement est déjà actif depuis le %(date)s : il n'y en a qu'un à la fois. "
                "Pour en enregistrer un nouveau, retirez d'abord celui-ci."
            )
            % {"date": active.given_on.strftime("%d/%m/%Y")}
        )
    consent = Consent(
        candidate=candidate,
        text_version=text_version or consent_text.CURRENT_VERSION,
        given_on=given_on or timezone.localdate(),
        recorded_by=by,
    )
    if proof is not None:
        checked = check_cv(proof)  # same checks as a CV: PDF, DOCX or ODT read from the content
        consent.proof.save(f"preuve{checked.extension}", proof, save=False)
    try:
        consent.save()
    except Exception:
        if consent.proof:
            consent.proof.storage.delete(consent.proof.name)
        raise
    return consent


def pending_follow_ups(candidate):
    """Introductions still waiting for an answer with a follow-up planned."""
    return candidate.introductions.exclude(outcome__in=CLOSED_OUTCOMES).filter(next_follow_up__isnull=False)


def withdrawal_consequences(candidate):
    """What a withdrawal will do, said before it is confirmed."""
    return {
        "pauses": candidate.stage in ACTIVE,
        "stage": Stage(candidate.stage).label,
        "follow_ups": list(pending_follow_ups(candidate).select_related("organisation")),
    }


@transaction.atomic
def withdraw_consent(candidate, *, on=None, by=None, reason=""):
    """Close the active consent, pause the search, cancel the pending follow-ups; return what was done.

    Without consent no CV may be shown: a search left « en entretien » with follow-ups due would keep
    someone calling companies about a person who said no.
    """
    from . import stages

    on = on or timezone.localdate()
    closed = list(candidate.consents.filter(withdrawn_on__isnull=True))
    if not closed:
        return None
    candidate.consents.filter(withdrawn_on__isnull=True).update(
        withdrawn_on=on, withdrawn_by=by, withdrawal_reason=reason.strip()[:300]
    )
    paused = False
    if candidate.stage in ACTIVE:
        stages.move(candidate, Stage.PAUSE, by=by, reason=_("Consentement retiré"))
        paused = True
    cancelled = []
    for intro in pending_follow_ups(candidate):
        IntroductionStep.objects.create(
            introduction=intro,
            kind=StepKind.NOTE,
            date=on,
            note=_("Relance du %(date)s annulée : consentement retiré.")
            % {"date": intro.next_follow_up.strftime("%d/%m/%Y")},
            by=by,
        )
        intro.next_follow_up = None
        intro.save(update_fields=["next_follow_up", "updated_at"])
        cancelled.append(intro)
    return {"consents": closed, "paused": paused, "cancelled": cancelled}


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
        next_follow_up=next_follow_up,
    )  # fmt: skip
    if date:
        intro.date = date
    if channel:
        intro.channel = channel
    intro.full_clean(exclude=["made_by"])
    with transaction.atomic():
        intro.save()
        # The introduction is the sending of the profile: its first step, with what was written then.
        IntroductionStep.objects.create(
            introduction=intro, kind=StepKind.CV_SENT, date=intro.date, note=notes.strip(), by=by
        )
    return intro


@transaction.atomic
def add_step(intro, *, kind, by=None, date=None, contact=None, new_contact_name="", outcome="",
             reason="", note="", next_follow_up=None):  # fmt: skip
    """Add one step to an introduction's history (nothing earlier is changed) and update its summary.

    An interview needs a named contact of the organisation (chosen, or typed and then added to the
    organisation's contacts); an outcome needs a result, and a refusal its reason. An interview moves a
    search « en prospection » to « en entretien »; a hire puts the person « en poste ».
    """
    from partenaires.models import Contact

    from . import stages

    date = date or timezone.localdate()
    if contact is not None and contact.organisation_id != intro.organisation_id:
        raise StepRefused(
            _("Cette personne n'est pas un contact de %(org)s.") % {"org": intro.organisation}, "contact"
        )
    if kind == StepKind.INTERVIEW and contact is None:
        if not new_contact_name.strip():
            raise StepRefused(
                _(
                    "Indiquez avec qui l'entretien a lieu : choisissez un contact de l'organisation ou tapez son nom."
                ),
                "contact",
            )
        contact = Contact.objects.create(organisation=intro.organisation, name=new_contact_name.strip()[:200])
    if kind == StepKind.OUTCOME:
        if outcome not in Outcome.values or outcome == Outcome.PENDING:
            raise StepRefused(
                _("Choisissez le résultat : entretien, offre, embauche ou sans suite."), "outcome"
            )
        if outcome == Outcome.NO_FOLLOW_UP and reason not in RefusalReason.values:
            raise StepRefused(_("Choisissez pourquoi la mise en relation est sans suite."), "reason")
    if kind == StepKind.NOTE and not note.strip():
        raise StepRefused(_("Écrivez la note."), "note")
    step = IntroductionStep.objects.create(
        introduction=intro, kind=kind, date=date, contact=contact,
        outcome=outcome if kind == StepKind.OUTCOME else "",
        reason=reason if kind == StepKind.OUTCOME and outcome == Outcome.NO_FOLLOW_UP else "",
        note=note.strip(), by=by,
    )  # fmt: skip
    if kind == StepKind.INTERVIEW and intro.outcome == Outcome.PENDING:
        intro.outcome = Outcome.INTERVIEW
    if kind == StepKind.OUTCOME:
        intro.outcome = outcome
    intro.next_follow_up = None if intro.outcome in CLOSED_OUTCOMES else next_follow_up
    intro.save(update_fields=["outcome", "next_follow_up", "updated_at"])
    candidate = intro.candidate
    candidate.refresh_from_db()
    if kind == StepKind.INTERVIEW and candidate.stage == Stage.PROSPECTION:
        stages.move(
            candidate,
            Stage.ENTRETIEN,
            by=by,
            reason=_("Entretien avec %(org)s") % {"org": intro.organisation},
        )
    if intro.outcome == Outcome.HIRED and candidate.stage != Stage.EN_POSTE:
        why = _("Embauche chez %(org)s") % {"org": intro.organisation}
        if candidate.stage == Stage.ENTRETIEN:
            stages.move(candidate, Stage.EN_POSTE, by=by, reason=why)
        else:
            stages.force_move(candidate, Stage.EN_POSTE, by=by, reason=why)
    return step


def record_outcome(intro, *, outcome, next_follow_up=None, notes=None, reason="", by=None):
    """An outcome step (kept for callers that only record a result)."""
    return add_step(
        intro, kind=StepKind.OUTCOME, outcome=outcome, next_follow_up=next_follow_up, note=notes or "",
        reason=reason or (RefusalReason.OTHER if outcome == Outcome.NO_FOLLOW_UP else ""), by=by,
    )  # fmt: skip


# --- Morning reminders -----------------------------------------------------------------------------


def hr_specialists():
    return roles.users_with_role(roles.HR).exclude(email="").order_by("pk")


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
                % {"url": settings.OSEZ_BASE_URL + reverse("emploi_conjoint:follow-ups")},
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
