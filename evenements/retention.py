"""How long the events keep the people who signed up: ``OSEZ_RETENTION_EVENT_MONTHS`` after the event.

A sign-up linked to a dossier follows the dossier's own rules (it is part of it: exported, erased and
anonymised with it, ``osez.rights``). The others are anonymised once the event is that far in the past:
name, e-mail and phone are blanked, the row stays so the event's figures do not change.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osez import retention

from .models import Registration


def registrations_due(cutoff):
    end = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    past = Q(event__ends_at__lt=end) | Q(event__ends_at__isnull=True, event__starts_at__lt=end)
    # One item for the whole batch: a queryset update, not a row at a time.
    return [Registration.objects.filter(past, household__isnull=True, anonymised_at__isnull=True)]


def _anonymise(queryset):
    count = queryset.update(name="", email="", phone="", anonymised_at=timezone.now())
    return {"event_registrations_anonymised": count}


EVENT_REGISTRATIONS = retention.Rule(
    name="event_registrations",
    months_setting="OSEZ_RETENTION_EVENT_MONTHS",
    due=registrations_due,
    remove=_anonymise,
    counts={"event_registrations_anonymised": _("inscription(s) à un événement anonymisée(s)")},
    order=40,
)
