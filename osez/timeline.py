"""The shape of a staff timeline (a dossier's, a job search's): events of several kinds, newest first.

Each pipeline builds its own list in its ``timeline.py`` from its rows (log of stages, exchanges, CVs…);
the pages draw every event the same way: date, title, optional text, who.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass
class Event:
    at: datetime.datetime
    kind: str  # css modifier: stage, interaction, task, need, pin, consent, cv, introduction, outcome
    title: str
    text: str = ""
    author: object = None


def at_noon(day):
    """An event known only by its day (an exchange, a resolution) sorts at noon of that day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def newest_first(events):
    return sorted(events, key=lambda event: event.at, reverse=True)
