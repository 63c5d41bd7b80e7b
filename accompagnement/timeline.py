"""One timeline per dossier: stage changes, exchanges, notes, tasks done, needs resolved, places pinned."""

from django.utils.translation import gettext as _

from osez.timeline import Event, at_noon, newest_first

from .enums import NeedState

# Apps built on the dossiers (the family space…) add their events here from AppConfig.ready(): the import
# layers forbid this module from importing them. Each source is called with the household, returns Events.
_sources = []


def register_source(source):
    if source not in _sources:
        _sources.append(source)


def build(household):
    events = [event for source in _sources for event in source(household)]
    for t in household.transitions.select_related("by"):
        title = _("Étape : %(stage)s") % {"stage": t.get_to_stage_display()}
        if t.outcome:
            title += " — " + t.get_outcome_display()
        events.append(Event(t.at, "stage", title, t.reason, t.by))
    for i in household.interactions.select_related("author"):
        events.append(Event(at_noon(i.happened_on), "interaction", i.get_kind_display(), i.text, i.author))
    for task in household.tasks.filter(done_at__isnull=False).select_related("done_by"):
        events.append(
            Event(task.done_at, "task", _("Fait : %(title)s") % {"title": task.title}, "", task.done_by)
        )
    for need in household.needs.filter(state=NeedState.RESOLVED, resolved_on__isnull=False):
        events.append(
            Event(
                at_noon(need.resolved_on),
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
    return newest_first(events)
