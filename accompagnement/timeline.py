"""One timeline per dossier: stage changes, exchanges, notes, tasks done, needs resolved, places pinned."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import NeedState


@dataclass
class Event:
    at: datetime.datetime
    kind: str  # css modifier: stage, interaction, task, need, pin
    title: str
    text: str = ""
    author: object = None


def _as_datetime(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def build(household):
    events = []
    for t in household.transitions.select_related("by"):
        title = _("Étape : %(stage)s") % {"stage": t.get_to_stage_display()}
        if t.outcome:
            title += " — " + t.get_outcome_display()
        events.append(Event(t.at, "stage", title, t.reason, t.by))
    for i in household.interactions.select_related("author"):
        events.append(
            Event(_as_datetime(i.happened_on), "interaction", i.get_kind_display(), i.text, i.author)
        )
    for task in household.tasks.filter(done_at__isnull=False).select_related("done_by"):
        events.append(
            Event(task.done_at, "task", _("Fait : %(title)s") % {"title": task.title}, "", task.done_by)
        )
    for need in household.needs.filter(state=NeedState.RESOLVED, resolved_on__isnull=False):
        events.append(
            Event(
                _as_datetime(need.resolved_on),
                "need",
                _("Besoin résolu : %(kind)s") % {"kind": need.get_kind_display()},
                need.note,
            )
        )
    for pin in household.pinned_places.select_related("place__layer", "pinned_by"):
        events.append(
            Event(
                pin.pinned_at,
                "pin",
                _("Lieu retenu : %(name)s") % {"name": pin.place.name},
                pin.place.layer.name,
                pin.pinned_by,
            )
        )
    events.sort(key=lambda e: e.at, reverse=True)
    return events
