"""Operations on events and sign-ups: signing up under a lock, cancelling, the waiting list, check-in, dossiers.

Every operation that changes who holds a place locks the event's row first (``select_for_update``), so
two sign-ups arriving at once on PostgreSQL are counted one after the other: the places taken are read
and the new sign-up written while the lock is held, and a waiting list never over-books. E-mails leave
only once the transaction is committed.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .enums import EventStatus, RegistrationStatus
from .models import Event, Registration

logger = logging.getLogger(__name__)

CANCEL_SALT = "evenements.cancel"
# Used when an event has no end time: for the calendar file only.
DEFAULT_LENGTH = datetime.timedelta(hours=2)


class SignUpRefused(Exception):
    """A sign-up that cannot be taken, with the sentence that tells the person why."""


class CancelRefused(Exception):
    """A cancel link that does not work (forged, or already used), with the sentence to show."""


# --- Signing up --------------------------------------------------------------------------------------

CONFIRMED, WAITING, ALREADY = "confirmed", "waiting", "already"


def places_taken(event):
    return event.registrations.confirmed().aggregate(n=Sum("party_size"))["n"] or 0


def places_left(event):
    return max(0, event.capacity - places_taken(event))


def sign_up(event, *, name, email, party_size, phone="", consent_text_version):
    """Sign a person up; returns (registration, CONFIRMED | WAITING | ALREADY). Raises SignUpRefused.

    A party that does not fit in the places left, or arrives while others wait, goes on the waiting list
    (first come, first served: nobody jumps the queue because their party is smaller).
    """
    email = email.strip().lower()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        refusal = sign_up_refusal(event)
        if refusal:
            raise SignUpRefused(refusal)
        existing = event.registrations.active().filter(email=email).first()
        if existing is not None:
            return existing, ALREADY
        if party_size > event.capacity:
            raise SignUpRefused(
                _(
                    "Cet événement accueille %(n)d personnes en tout : pour venir à %(p)d, écrivez-nous, "
                    "nous chercherons une solution ensemble."
                )
                % {"n": event.capacity, "p": party_size}
            )
        fits = places_taken(event) + party_size <= event.capacity
        status = (
            RegistrationStatus.CONFIRMED
            if fits and not event.registrations.waiting().exists()
            else RegistrationStatus.WAITING
        )
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=event,
                    name=name.strip(),
                    email=email,
                    phone=phone.strip(),
                    party_size=party_size,
                    status=status,
                    consent_text_version=consent_text_version,
                    language=_registration_language(),
                )
        except IntegrityError:
            # Only where the row lock is not one (SQLite): the same e-mail committed by a concurrent POST.
            return event.registrations.active().get(email=email), ALREADY
        transaction.on_commit(lambda: send_sign_up_email(registration))
    return registration, CONFIRMED if status == RegistrationStatus.CONFIRMED else WAITING


def sign_up_refusal(event):
    """Why nobody can sign up to ``event`` now (None when they can)."""
    if event.status == EventStatus.CANCELLED:
        return _("Cet événement est annulé : les inscriptions sont fermées.")
    if event.status != EventStatus.PUBLISHED:
        return _("Cet événement n'est pas ouvert aux inscriptions.")
    if event.is_past:
        return _("Cet événement a déjà eu lieu : les inscriptions sont fermées.")
    return None


# --- Cancelling a sign-up and the waiting list --------------------------------------------------------


def cancel_token(registration):
    return signing.dumps([registration.pk, registration.cancel_key.hex], salt=CANCEL_SALT)


def cancel_url(registration):
    return settings.OSEZ_BASE_URL + reverse("evenements:cancel", args=[cancel_token(registration)])


def registration_from_token(token):
    """The sign-up a cancel link names; CancelRefused when the link was altered or made up."""
    try:
        pk, key = signing.loads(token, salt=CANCEL_SALT)
        registration = Registration.objects.select_related("event").filter(
            pk=int(pk), cancel_key=uuid.UUID(key)
        )
        registration = registration.first()
    except (signing.BadSignature, ValueError, TypeError):
        registration = None
    if registration is None:
        raise CancelRefused(
            _(
                "Ce lien d'annulation n'est pas valide. Copiez-le en entier depuis le courriel reçu, ou contactez-nous."
            )
        )
    return registration


def cancel_registration(registration):
    """Free the person's place (a link works once) and give it to the waiting list; returns who moved up."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise CancelRefused(_("Cette inscription est déjà annulée : il n'y a rien d'autre à faire."))
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = promote_waiting(event)
    return registration, promoted


def promote_waiting(event):
    """Give free places to the waiting list in its order (call with the event's row locked)."""
    if event.status != EventStatus.PUBLISHED:
        return []
    taken = places_taken(event)
    promoted = []
    for waiting in event.registrations.waiting().select_for_update():
        if taken + waiting.party_size > event.capacity:
            break  # the first in line waits for enough places: nobody jumps the queue
        waiting.status = RegistrationStatus.CONFIRMED
        waiting.promoted_at = timezone.now()
        waiting.save(update_fields=["status", "promoted_at"])
        taken += waiting.party_size
        promoted.append(waiting)
    for person in promoted:
        transaction.on_commit(lambda person=person: send_promoted_email(person))
    return promoted


def capacity_changed(event):
    """Staff raised the capacity (or republished): the waiting list moves up as far as places allow."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        return promote_waiting(event)


def cancel_event(event, *, by=None):
    """Cancel the event: no more sign-ups, everyone signed up or waiting is told by e-mail."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.cancelled_at is not None and event.status == EventStatus.CANCELLED:
            return []
        event.status = EventStatus.CANCELLED
        event.cancelled_at = timezone.now()
        event.save(update_fields=["status", "cancelled_at", "updated_at"])
        told = list(event.registrations.active().exclude(email=""))
        transaction.on_commit(lambda: send_event_cancelled_emails(event, told))
    logger.info("event %s cancelled, %s people told", event.pk, len(told))
    return told


# --- Check-in and dossiers ----------------------------------------------------------------------------


def set_present(registration, *, present, by):
    """Tick (or untick) a person at the door."""
    registration.checked_in_at = timezone.now() if present else None
    registration.checked_in_by = by if present else None
    registration.save(update_fields=["checked_in_at", "checked_in_by"])
    return registration


def split_name(name):
    """ "Camille Martin-Roy" → ("Camille", "Martin-Roy"): the first word is taken as the first name."""
    parts = name.split()
    if not parts:
        return _("Participant·e"), ""
    return parts[0], " ".join(parts[1:])


def open_dossier(registration, *, by):
    """Open a dossier for this person through the back-office's intake service; (household, created).

    Idempotent: the intake key is derived from the sign-up, so a second click returns the same dossier.
    """
    from accompagnement import services as intake
    from accompagnement.enums import Channel, IntakeChannel
    from accompagnement.models import Household
    from osez import roles

    if registration.household_id:
        return registration.household, False
    event = registration.event
    first, last = split_name(registration.name)
    when = timezone.localtime(event.starts_at)
    data = {
        "intake_key": uuid.uuid5(
            uuid.NAMESPACE_URL, f"osez:evenements:registration:{registration.cancel_key}"
        ),
        "intake_channel": IntakeChannel.EVENT,
        "channel": Channel.EVENT,
        "email": registration.email,
        "phone": registration.phone,
        "language": registration.language,
        "first_name": first,
        "last_name": last,
        "adults": 1,
        "needs": [],
        "advisor": by if roles.has_role(by, roles.ADVISOR, roles.TEAM_LEAD) else None,
        "note": _("Rencontré·e à l'événement « %(title)s » du %(date)s.")
        % {"title": event.title, "date": f"{when:%d/%m/%Y}"},
    }
    with transaction.atomic():
        household, created = intake.open_from_intake(
            data, by=by, consent_text_version=registration.consent_text_version
        )
        if not household.referral:
            Household.objects.filter(pk=household.pk).update(referral=event.referral_code)
            household.referral = event.referral_code
        registration.household = household
        registration.save(update_fields=["household"])
    return household, created


def link_dossier(registration, household):
    """Link the person to a dossier that already exists (found by e-mail or name)."""
    registration.household = household
    registration.save(update_fields=["household"])
    return registration


def existing_dossiers_by_email(registrations):
    """{e-mail: [households]}: the dossiers (not merged away) whose own or an adult's e-mail is one of these.

    Two queries whatever the number of sign-ups (the attendee list of a large fair stays fast).
    """
    from django.db.models.functions import Lower

    from accompagnement.models import Adult, Household

    emails = {r.email.lower() for r in registrations if r.email}
    if not emails:
        return {}
    pairs = set(
        Household.objects.filter(merged_into__isnull=True)
        .annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", "pk")
    ) | set(
        Adult.objects.filter(household__merged_into__isnull=True)
        .annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", "household_id")
    )
    households = Household.objects.in_bulk({pk for _email, pk in pairs})
    found = {}
    for email, pk in sorted(pairs):
        found.setdefault(email, []).append(households[pk])
    return found


def dossiers_matching(registration):
    """Dossiers that may be this person: same e-mail, or an adult with the same name (accents, case aside)."""
    from accompagnement.duplicates import normalise_name
    from accompagnement.models import Adult, Household

    matches = {h.pk: h for h in existing_dossiers_by_email([registration]).get(registration.email, [])}
    wanted = normalise_name(*split_name(registration.name))
    if wanted and " " in wanted:  # a first name alone proves nothing
        for household_id, first, last in Adult.objects.filter(
            household__merged_into__isnull=True
        ).values_list("household_id", "first_name", "last_name"):
            if household_id not in matches and normalise_name(first, last) == wanted:
                matches[household_id] = None
    missing = [pk for pk, h in matches.items() if h is None]
    for household in Household.objects.filter(pk__in=missing):
        matches[household.pk] = household
    return list(matches.values())


# --- E-mails and the calendar file --------------------------------------------------------------------


def calendar_file(event, *, cancelled=False):
    """The event as an iCalendar file (RFC 5545), made with the icalendar library."""
    calendar = Calendar()
    calendar.add("prodid", "-//Osez//Evenements//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    item = CalendarEvent()
    item.add("uid", f"osez-evenement-{event.pk}@{settings.OSEZ_BASE_URL.split('://')[-1]}")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at or event.starts_at + DEFAULT_LENGTH)
    item.add("summary", event.title)
    item.add("location", where(event))
    item.add("url", settings.OSEZ_BASE_URL + event.get_absolute_url())
    if event.description:
        item.add("description", event.description)
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(item)
    return calendar.to_ical()


def where(event):
    parts = [event.place_name, event.address]
    if event.commune_id:
        parts.append(event.commune.name)
    return ", ".join(p for p in parts if p)


def _context(registration, **extra):
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "where": where(event),
        "starts": timezone.localtime(event.starts_at),
        "cancel_url": cancel_url(registration),
        "event_url": settings.OSEZ_BASE_URL + event.get_absolute_url(),
        "events_url": settings.OSEZ_BASE_URL + reverse("evenements:list"),
        **extra,
    }


def _message(subject, template, context, to, *, ics=None, cancelled=False):
    message = EmailMessage(subject, render_to_string(template, context), settings.DEFAULT_FROM_EMAIL, [to])
    if ics is not None:
        method = "CANCEL" if cancelled else "PUBLISH"
        message.attach("evenement.ics", ics, f"text/calendar; charset=utf-8; method={method}")
    return message


def _registration_language():
    """The language of the page being answered ("en" under /en/), as one of the site's languages."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def send_sign_up_email(registration):
    with translation.override(registration.language):
        _send_sign_up_email(registration)


def _send_sign_up_email(registration):
    event = registration.event
    if registration.status == RegistrationStatus.CONFIRMED:
        message = _message(
            _("Inscription confirmée : %(title)s") % {"title": event.title},
            "evenements/email/confirmed.txt",
            _context(registration),
            registration.email,
            ics=calendar_file(event),
        )
    else:
        message = _message(
            _("Liste d'attente : %(title)s") % {"title": event.title},
            "evenements/email/waiting.txt",
            _context(registration),
            registration.email,
        )
    message.send(fail_silently=True)


def send_promoted_email(registration):
    # In the person's language, not that of whoever freed the place (another visitor, or staff in French).
    with translation.override(registration.language):
        message = _message(
            _("Une place s'est libérée : %(title)s") % {"title": registration.event.title},
            "evenements/email/promoted.txt",
            _context(registration),
            registration.email,
            ics=calendar_file(registration.event),
        )
    message.send(fail_silently=True)


def _event_cancelled_message(event, registration):
    # Staff cancel in French; each person is told in the language they signed up in.
    with translation.override(registration.language):
        return _message(
            _("Événement annulé : %(title)s") % {"title": event.title},
            "evenements/email/event_cancelled.txt",
            _context(registration),
            registration.email,
            ics=calendar_file(event, cancelled=True),
            cancelled=True,
        )


def send_event_cancelled_emails(event, registrations):
    messages = [_event_cancelled_message(event, registration) for registration in registrations]
    # One connection for the whole list rather than one per person.
    get_connection(fail_silently=True).send_messages(messages)


def merge_registrations(source, target):
    """A merge of two dossiers (registered from apps.py): the sign-ups follow the person to the dossier kept."""
    return Registration.objects.filter(household=source).update(household=target)
