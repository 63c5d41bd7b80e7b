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
from .models import Consent, CVVersion, Introduction


class IntroductionRefused(Exception):
    """An introduction that cannot be made (no consent on record)."""


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
