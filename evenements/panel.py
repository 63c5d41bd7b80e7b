"""What the dossier shows of the events: the family's sign-ups (and attendance) as timeline events."""

from django.utils import timezone
from django.utils.translation import gettext as _

from osez.timeline import Event as TimelineEvent

from .enums import RegistrationStatus
from .models import Event, Registration


def _when(event):
    return f"{timezone.localtime(event.starts_at):%d/%m/%Y}"


def timeline_events(household):
    items = []
    registrations = Registration.objects.filter(household=household).select_related("event", "checked_in_by")
    for registration in registrations:
        event = registration.event
        text = f"{event.title} — {_when(event)}, {event.place_name}"
        if registration.status == RegistrationStatus.WAITING:
            title = _("Inscription à un événement (liste d'attente)")
        elif registration.status == RegistrationStatus.CANCELLED:
            title = _("Inscription à un événement (annulée)")
        else:
            title = _("Inscription à un événement")
        items.append(TimelineEvent(registration.created_at, "event", title, text))
        if registration.checked_in_at:
            items.append(
                TimelineEvent(
                    registration.checked_in_at,
                    "event",
                    _("Présent·e à l'événement"),
                    text,
                    registration.checked_in_by,
                )
            )
    if household.referral.startswith("evenement-"):
        pk = household.referral.removeprefix("evenement-")
        event = Event.objects.filter(pk=pk).first() if pk.isdigit() else None
        if event is not None:
            items.append(
                TimelineEvent(
                    household.created_at,
                    "event",
                    _("Demande envoyée depuis la page d'un événement"),
                    f"{event.title} — {_when(event)}",
                )
            )
    return items
