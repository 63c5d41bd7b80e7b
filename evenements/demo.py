"""Fictional demonstration events (idempotent; every title and name says it is fictional)."""

import datetime

from django.utils import timezone

from communes.models import Commune

from .enums import EventKind, EventStatus
from .models import CONSENT_TEXT_VERSION, Event, Registration

DEMO_EVENTS = [
    (EventKind.WELCOME_EVENING, "Soirée d'accueil des nouveaux habitants (fictive)", 21, 60, "10387"),
    (EventKind.MEDICAL_STUDENTS, "Soirée des internes en médecine (fictive)", 35, 40, "10387"),
    (EventKind.DISCOVERY_DAY, "Journée découverte des lacs de la forêt d'Orient (fictive)", 49, 30, "10033"),
]


def load(stdout=None):
    created = 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for kind, title, days, capacity, code in DEMO_EVENTS:
        if Event.objects.filter(title_fr=title).exists():
            continue
        starts = (now + datetime.timedelta(days=days)).replace(hour=18)
        event = Event.objects.create(
            title_fr=title,
            kind=kind,
            status=EventStatus.PUBLISHED,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2, minutes=30),
            place_name="Salle de démonstration (lieu fictif)",
            commune=Commune.objects.filter(pk=code).first(),
            capacity=capacity,
            audience_fr="Familles installées depuis moins d'un an, ou qui y pensent (démonstration)",
            description_fr="Événement fictif de démonstration : rencontre avec l'équipe d'accueil et des habitants.",
        )
        for number in range(1, 4):
            Registration.objects.create(
                event=event,
                name=f"Participant·e fictif·ve {number}",
                email=f"participant{number}.evenement{event.pk}@example.org",
                party_size=number,
                consent_text_version=CONSENT_TEXT_VERSION,
            )
        created += 1
    if stdout is not None:
        stdout.write(f"Événements fictifs : {created} créé(s).\n")
    return created
