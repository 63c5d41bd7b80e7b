"""Operations of the family space: sign-in links, messages, checklist ticks, consents, erasure requests and
the "How is it going?" surveys. Views, tasks and commands call these; e-mails leave after the commit."""

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accompagnement.enums import Language, Stage, TaskKind
from accompagnement.models import Adult, Household, Task
from osez import roles

from .models import (
    ChecklistItem,
    ChecklistTick,
    ErasureRequest,
    Message,
    SettlingSurvey,
    SignInLink,
    SpouseSharing,
)

logger = logging.getLogger(__name__)

LINK_MINUTES = 15
# Days after the arrival date at which the survey is sent, and how long an invitation stays open.
SURVEY_DAYS = {6: 182, 12: 365}
SURVEY_WINDOW_DAYS = 90
REMINDER_EVERY_DAYS = 7
MAX_REMINDERS = 2
ALERT_SCORE = 6


# --- Sign-in links ----------------------------------------------------------------------------------


class LinkRefused(Exception):
    """The link cannot open the space; the message says why in words a family understands."""


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_link(adult, now=None):
    """A new one-time link for ``adult``: returns the secret (only its hash is stored)."""
    now = now or timezone.now()
    # Links past their use are no one's business after a day (kept that long to tell "used" from "unknown").
    SignInLink.objects.filter(expires_at__lt=now - datetime.timedelta(days=1)).delete()
    raw = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        adult=adult,
        token_hash=hash_token(raw),
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=LINK_MINUTES),
    )
    return raw


def adults_for_address(address):
    """The adults of existing dossiers this address belongs to (an adult's own e-mail)."""
    address = (address or "").strip()
    if not address:
        return Adult.objects.none()
    return Adult.objects.filter(email__iexact=address).select_related("household")


def send_sign_in_link(adult, *, welcome=False):
    """Create a link and e-mail it to the adult, in their household's language."""
    if not adult.email:
        return False
    raw = issue_link(adult)
    url = settings.OSEZ_BASE_URL + reverse("espace_famille:redeem", args=[raw])
    with translation.override(adult.household.language):
        context = {
            "adult": adult,
            "url": url,
            "minutes": LINK_MINUTES,
            "welcome": welcome,
            "site_name": settings.OSEZ_SITE_NAME,
            "space_url": settings.OSEZ_BASE_URL + reverse("espace_famille:sign-in"),
        }
        subject = _("Votre lien pour entrer dans votre espace famille")
        body = render_to_string("espace_famille/email/sign_in_link.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [adult.email])
    return True


def link_language(raw):
    """The language of the household a link belongs to (None for an unknown link); the link stays unused."""
    if not raw or len(raw) > 100:
        return None
    return (
        SignInLink.objects.filter(token_hash=hash_token(raw))
        .values_list("adult__household__language", flat=True)
        .first()
    )


def set_language(household, code):
    """The family changes its language in its space: the dossier's version moves, as for any edit, so an
    advisor saving the dossier form opened before is shown the change instead of undoing it. Returns
    whether it changed."""
    code = Language.of(code)
    if household.language == code:
        return False
    Household.objects.filter(pk=household.pk).update(
        language=code, version=F("version") + 1, updated_at=timezone.now()
    )
    household.language = code
    return True


def redeem_link(raw, now=None):
    """The adult the link opens the space for; it can be used once, within 15 minutes. Raises LinkRefused."""
    now = now or timezone.now()
    if not raw or len(raw) > 100:
        raise LinkRefused(_("Ce lien n'est pas valable. Demandez un nouveau lien ci-dessous."))
    link = SignInLink.objects.filter(token_hash=hash_token(raw)).select_related("adult__household").first()
    if link is None:
        # Unknown, or the dossier it belonged to was erased (its links went with it).
        raise LinkRefused(_("Ce lien n'est pas (ou plus) valable. Demandez un nouveau lien ci-dessous."))
    if link.used_at is not None:
        raise LinkRefused(
            _("Ce lien a déjà servi : chaque lien ne sert qu'une fois. Demandez un nouveau lien ci-dessous.")
        )
    if link.expires_at <= now:
        raise LinkRefused(
            _(
                "Ce lien a expiré : il n'est valable que %(minutes)s minutes. Demandez un nouveau lien ci-dessous."
            )
            % {"minutes": LINK_MINUTES}
        )
    # One UPDATE decides: of two clicks at the same instant, only one gets the row.
    used = SignInLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if not used:
        raise LinkRefused(
            _("Ce lien a déjà servi : chaque lien ne sert qu'une fois. Demandez un nouveau lien ci-dessous.")
        )
    return link.adult


def send_welcome_links(support_request):
    """After a public request: the adult who wrote it gets a link to the space of the dossier just opened."""
    household = Household.objects.filter(support_request=support_request).first()
    if household is None:
        return 0
    sent = 0
    for adult in household.adults.exclude(email="").order_by("pk")[:1]:
        # In the household's language: the one the family wrote its request in (the /en/ pages: "en").
        sent += send_sign_in_link(adult, welcome=True)
    return sent


# --- Messages ---------------------------------------------------------------------------------------


def post_message(household, *, text, author, adult=None, staff=None, upload=None, checked=None):
    """Store a message (and its already checked attachment) and tell the other side after the commit."""
    message = Message(household=household, author=author, adult=adult, staff=staff, text=text.strip())
    with transaction.atomic():
        if upload is not None and checked is not None:
            message.attachment_name = (upload.name or "")[:200]
            message.attachment_kind = checked.kind
            message.attachment.save(f"piece{checked.extension}", upload, save=False)
        message.save()
    transaction.on_commit(lambda: notify_message(message))
    return message


def notify_message(message):
    """E-mail the other side that a message waits, without its content."""
    household = message.household
    try:
        if message.from_family:
            advisor = household.advisor
            to = advisor.email if advisor is not None and advisor.email else settings.OSEZ_ADVISORS_EMAIL
            if not to:
                return
            body = render_to_string(
                "espace_famille/email/message_for_advisor.txt",
                {"household": household, "base_url": settings.OSEZ_BASE_URL},
            )
            send_mail(
                _("Osez : nouveau message de la famille %(ref)s") % {"ref": household.reference},
                body,
                settings.DEFAULT_FROM_EMAIL,
                [to],
            )
        else:
            recipients = list(household.adults.exclude(email="").values_list("email", flat=True))
            if not recipients:
                return
            with translation.override(household.language):
                body = render_to_string(
                    "espace_famille/email/message_for_family.txt",
                    {
                        "url": settings.OSEZ_BASE_URL + reverse("espace_famille:sign-in"),
                        "site_name": settings.OSEZ_SITE_NAME,
                    },
                )
                subject = _("Un message vous attend dans votre espace famille")
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # the message is stored: a mail outage must not lose it
        logger.exception("could not send the notice of message %s", message.pk)


# --- Checklists ----------------------------------------------------------------------------------------


def checklist_items_for(household, needs=None):
    """Active steps for the household's needs, and the general ones (every family), in order."""
    kinds = {need.kind for need in (needs if needs is not None else household.needs.all())}
    return [item for item in ChecklistItem.objects.filter(is_active=True) if item.need in kinds | {""}]


def set_tick(household, item, *, done, adult=None):
    """Tick or untick a step of this household's checklist (idempotent)."""
    if done:
        try:
            with transaction.atomic():
                ChecklistTick.objects.get_or_create(household=household, item=item, defaults={"adult": adult})
        except IntegrityError:  # ticked at the same instant from another tab
            pass
    else:
        ChecklistTick.objects.filter(household=household, item=item).delete()


# --- Consents and data ----------------------------------------------------------------------------------


def set_spouse_sharing(adult, shares):
    sharing, _created = SpouseSharing.objects.update_or_create(
        adult=adult, defaults={"shares_job_search": shares, "changed_at": timezone.now()}
    )
    return sharing


def withdraw_cv_consent(adult):
    """The spouse withdraws the consent to show their CV to companies (emploi_conjoint's own rule)."""
    from emploi_conjoint.models import Candidate
    from emploi_conjoint.services import withdraw_consent

    candidate = Candidate.objects.filter(adult=adult).first()
    if candidate is None:
        return None
    return withdraw_consent(candidate)


def request_erasure(household, adult):
    """Record the request, give the advisor a task and tell the team leads (reference and link only)."""
    with transaction.atomic():
        erasure = ErasureRequest.objects.create(household=household, adult=adult)
        Task.objects.create(
            household=household,
            kind=TaskKind.OTHER,
            title=_("La famille demande l'effacement de ses données (bureau des droits)"),
            due_date=timezone.localdate() + datetime.timedelta(days=7),
            owner=household.advisor,
        )
    transaction.on_commit(lambda: _tell_leads_of_erasure(household))
    return erasure


def _tell_leads_of_erasure(household):
    recipients = list(
        roles.users_with_role(roles.TEAM_LEAD).exclude(email="").values_list("email", flat=True)
    )
    if settings.OSEZ_ADVISORS_EMAIL:
        recipients.append(settings.OSEZ_ADVISORS_EMAIL)
    if not recipients:
        return
    body = render_to_string(
        "espace_famille/email/erasure_request.txt",
        {"household": household, "url": settings.OSEZ_BASE_URL + reverse("admin:osez-rights")},
    )
    send_mail(
        _("Osez : demande d'effacement pour le dossier %(ref)s") % {"ref": household.reference},
        body,
        settings.DEFAULT_FROM_EMAIL,
        sorted(set(recipients)),
        fail_silently=True,
    )


# --- "How is it going?" surveys ------------------------------------------------------------------------


def open_survey(household, now=None):
    """The survey waiting for this household's answer, if any."""
    return household.settling_surveys.filter(answered_at__isnull=True).order_by("milestone").first()


def answer_survey(survey, *, score, missing="", now=None):
    now = now or timezone.now()
    updated = SettlingSurvey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
        score=score, missing=missing.strip(), answered_at=now
    )
    if not updated:
        return False
    survey.refresh_from_db()
    if score <= ALERT_SCORE:
        raise_alert(survey, reason="score")
    return True


def raise_alert(survey, *, reason):
    """A low score or no answer after two reminders: a task for the advisor, and the team leads told."""
    if survey.alerted_at is not None:
        return None
    household = survey.household
    if reason == "score":
        title = _("Comment ça va ? La famille se sent installée à %(score)s/10 (%(m)s mois) : l'appeler") % {
            "score": survey.score,
            "m": survey.milestone,
        }
    else:
        title = _("Comment ça va ? Pas de réponse après deux relances (%(m)s mois) : appeler la famille") % {
            "m": survey.milestone
        }
    with transaction.atomic():
        task = Task.objects.create(
            household=household,
            kind=TaskKind.OTHER,
            title=title[:200],
            due_date=timezone.localdate() + datetime.timedelta(days=3),
            owner=household.advisor,
        )
        SettlingSurvey.objects.filter(pk=survey.pk).update(alert_task=task, alerted_at=timezone.now())
    survey.alert_task, survey.alerted_at = task, timezone.now()
    transaction.on_commit(lambda: _tell_leads_of_alert(household, title))
    return task


def _tell_leads_of_alert(household, title):
    recipients = list(
        roles.users_with_role(roles.TEAM_LEAD).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        return
    body = render_to_string(
        "espace_famille/email/survey_alert.txt",
        {
            "household": household,
            "title": title,
            "url": settings.OSEZ_BASE_URL + household.get_absolute_url(),
        },
    )
    send_mail(
        _("Osez : une famille à rappeler (%(ref)s)") % {"ref": household.reference},
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
        fail_silently=True,
    )


def _invite(household, survey, *, reminder):
    recipients = list(household.adults.exclude(email="").values_list("email", flat=True))
    if not recipients:
        return
    with translation.override(household.language):
        body = render_to_string(
            "espace_famille/email/survey_invitation.txt",
            {
                "survey": survey,
                "reminder": reminder,
                "url": settings.OSEZ_BASE_URL + reverse("espace_famille:sign-in"),
                "site_name": settings.OSEZ_SITE_NAME,
            },
        )
        subject = (
            _("Rappel : comment se passe votre installation ?")
            if reminder
            else _("Comment se passe votre installation ?")
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)


def run_surveys(today=None):
    """Daily: invite the families reaching 6 or 12 months, remind the silent ones twice, then alert.

    Returns counts: invited, reminded, alerted.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    counts = {"invited": 0, "reminded": 0, "alerted": 0}
    arrived = Household.objects.filter(stage=Stage.ARRIVED, arrival_date__isnull=False)
    for milestone, days in SURVEY_DAYS.items():
        latest = today - datetime.timedelta(days=days)
        earliest = latest - datetime.timedelta(days=SURVEY_WINDOW_DAYS)
        due = arrived.filter(arrival_date__lte=latest, arrival_date__gt=earliest).exclude(
            settling_surveys__milestone=milestone
        )
        for household in due:
            try:
                with transaction.atomic():
                    survey = SettlingSurvey.objects.create(
                        household=household, milestone=milestone, invited_at=now, last_sent_at=now
                    )
            except IntegrityError:  # another run created it meanwhile
                continue
            _invite(household, survey, reminder=False)
            counts["invited"] += 1
    waiting = SettlingSurvey.objects.filter(answered_at__isnull=True, alerted_at__isnull=True).select_related(
        "household"
    )
    for survey in waiting:
        if (today - timezone.localdate(survey.last_sent_at)).days < REMINDER_EVERY_DAYS:
            continue
        if survey.reminders_sent < MAX_REMINDERS:
            SettlingSurvey.objects.filter(pk=survey.pk).update(
                reminders_sent=survey.reminders_sent + 1, last_sent_at=now
            )
            _invite(survey.household, survey, reminder=True)
            counts["reminded"] += 1
        else:
            raise_alert(survey, reason="silence")
            counts["alerted"] += 1
    logger.info("settling surveys: %s", counts)
    return counts


# --- Merging two dossiers -------------------------------------------------------------------------
# Registered from apps.py with accompagnement.duplicates.register_merge_step: what the family wrote, ticked
# and answered follows it into the dossier kept. A step already done in the kept dossier (a tick, the
# survey of the same milestone) stays with the closed one, which keeps it for the record.


def merge_messages(source, target):
    return Message.objects.filter(household=source).update(household=target)


def merge_ticks(source, target):
    done = ChecklistTick.objects.filter(household=target).values("item_id")
    return ChecklistTick.objects.filter(household=source).exclude(item_id__in=done).update(household=target)


def merge_surveys(source, target):
    sent = SettlingSurvey.objects.filter(household=target).values("milestone")
    return (
        SettlingSurvey.objects.filter(household=source).exclude(milestone__in=sent).update(household=target)
    )


def merge_erasure_requests(source, target):
    return ErasureRequest.objects.filter(household=source).update(household=target)
