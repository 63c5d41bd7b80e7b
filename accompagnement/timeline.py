"""One timeline per dossier: stage changes, exchanges, notes, tasks done or postponed, needs resolved, places."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from osez.timeline import Event, at_noon, newest_first

from .enums import NeedState
from .models import TaskLog, can_correct

# Apps built on the dossiers (the family space…) add their events here from AppConfig.ready(): the import
# layers forbid this module from importing them. Each source is called with the household, returns Events.
_sources = []


def register_source(source):
    if source not in _sources:
        _sources.append(source)


@dataclass
class DossierEvent(Event):
    edit_url: str = ""  # a note its author may still correct
    edited: bool = False


def build(household, user=None):
    """Every event of the dossier, newest first (a fixed number of queries, whatever its length)."""
    events = [event for source in _sources for event in source(household)]
    for t in household.transitions.select_related("by"):
        title = _("Étape : %(stage)s") % {"stage": t.get_to_stage_display()}
        if t.outcome:
            title += " — " + t.get_outcome_display()
        events.append(DossierEvent(t.at, "stage", title, t.reason, t.by))
    for i in household.interactions.select_related("author"):
        edit_url = ""
        if user is not None and can_correct(i, user):
            edit_url = reverse("accompagnement:interaction-edit", args=[household.pk, i.pk])
        events.append(
            DossierEvent(
                at_noon(i.happened_on),
                "interaction",
                i.get_kind_display(),
                i.text,
                i.author,
                edit_url=edit_url,
                edited=i.edited_at is not None,
            )
        )
    for log in TaskLog.objects.filter(task__household=household).select_related("task", "by"):
        if log.action == TaskLog.Action.DONE:
            title = _("Fait : %(title)s") % {"title": log.task.title}
        elif log.action == TaskLog.Action.POSTPONED:
            title = _("Reporté au %(to)s : %(title)s") % {
                "to": f"{log.to_due:%d/%m/%Y}",
                "title": log.task.title,
            }
        elif log.action == TaskLog.Action.REOPENED:
            title = _("Rouvert : %(title)s") % {"title": log.task.title}
        else:
            title = _("Tâche modifiée : %(title)s") % {"title": log.task.title}
        events.append(DossierEvent(log.at, "task", title, log.reason, log.by))
    logged_done = {e.title for e in events if e.kind == "task"}
    for task in household.tasks.filter(done_at__isnull=False).select_related("done_by"):
        title = _("Fait : %(title)s") % {"title": task.title}
        if title not in logged_done:  # tasks done before the task log existed
            events.append(DossierEvent(task.done_at, "task", title, task.done_note, task.done_by))
    for need in household.needs.filter(state=NeedState.RESOLVED, resolved_on__isnull=False):
        events.append(
            DossierEvent(
                at_noon(need.resolved_on),
                "need",
                _("Besoin résolu : %(kind)s") % {"kind": need.get_kind_display()},
                need.note,
            )
        )
    for pin in household.pinned_places.select_related("place__layer", "pinned_by"):
        events.append(
            DossierEvent(
                pin.pinned_at,
                "pin",
                _("Lieu retenu : %(name)s") % {"name": pin.place.name},
                pin.place.layer.name,
                pin.pinned_by,
            )
        )
    return newest_first(events)
