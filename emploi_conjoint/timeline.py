"""One timeline per job search: stage moves, consents, CV versions, introductions and their outcomes."""

from auditlog.models import LogEntry
from django.utils.translation import gettext as _

from osez.timeline import Event, newest_first

from .enums import Outcome, StepKind


def build(candidate):
    """Every event of the follow-up in one list, newest first."""
    events = []
    for t in candidate.transitions.select_related("by"):
        title = (
            _("Étape : %(from)s → %(to)s")
            % {"from": t.get_from_stage_display(), "to": t.get_to_stage_display()}
            if t.from_stage
            else _("Suivi ouvert à l'étape « %(to)s »") % {"to": t.get_to_stage_display()}
        )
        events.append(Event(t.at, "stage", title, t.reason, t.by))
    for c in candidate.consents.select_related("recorded_by"):
        title = _("Consentement donné le %(date)s (texte version %(v)s)") % {
            "date": c.given_on.strftime("%d/%m/%Y"),
            "v": c.text_version,
        }
        withdrawn = (
            _("retiré le %(date)s") % {"date": c.withdrawn_on.strftime("%d/%m/%Y")} if c.withdrawn_on else ""
        )
        events.append(Event(c.recorded_at, "consent", title, withdrawn, c.recorded_by))
    for v in candidate.cv_versions.select_related("uploaded_by"):
        title = _("Nouvelle version du CV (%(kind)s)") % {"kind": v.file_kind.upper()}
        events.append(Event(v.uploaded_at, "cv", title, v.note, v.uploaded_by))
    for i in candidate.introductions.select_related("organisation", "opportunity", "made_by"):
        title = _("Mise en relation avec %(org)s") % {"org": i.organisation}
        if i.opportunity:
            title += _(" pour l'offre « %(title)s »") % {"title": i.opportunity.title}
        text = _("%(channel)s — résultat : %(outcome)s") % {
            "channel": i.get_channel_display(),
            "outcome": i.get_outcome_display(),
        }
        events.append(Event(i.created_at, "introduction", title, text, i.made_by))
    events += step_events(candidate)
    events += outcome_events(candidate)
    return newest_first(events)


def step_events(candidate):
    """Each step of each introduction after the first (the first is the introduction itself)."""
    from .models import IntroductionStep

    events = []
    steps = (
        IntroductionStep.objects.filter(introduction__candidate=candidate)
        .exclude(kind=StepKind.CV_SENT)
        .select_related("introduction__organisation", "contact", "by")
    )
    for step in steps:
        title = _("%(org)s : %(step)s du %(date)s") % {
            "org": step.introduction.organisation,
            "step": step.get_kind_display(),
            "date": step.date.strftime("%d/%m/%Y"),
        }
        details = [
            _("avec %(name)s") % {"name": step.contact.name} if step.contact else "",
            step.get_outcome_display() if step.outcome else "",
            step.get_reason_display() if step.reason else "",
            step.note,
        ]
        events.append(Event(step.at, "introduction", title, " — ".join(d for d in details if d), step.by))
    return events


def outcome_events(candidate):
    """Outcome changes of the candidate's introductions, read back from django-auditlog's field log."""
    intros = {str(i.pk): i for i in candidate.introductions.select_related("organisation")}
    if not intros:
        return []
    entries = LogEntry.objects.get_for_objects(candidate.introductions.all()).filter(
        action=LogEntry.Action.UPDATE
    )
    events = []
    for entry in entries.select_related("actor"):
        change = (entry.changes_dict or {}).get("outcome")
        intro = intros.get(str(entry.object_pk))
        if not change or intro is None:
            continue
        before, after = (Outcome(v).label if v in Outcome.values else v for v in change[:2])
        title = _("%(org)s : %(before)s → %(after)s") % {
            "org": intro.organisation,
            "before": before,
            "after": after,
        }
        events.append(Event(entry.timestamp, "outcome", title, "", entry.actor))
    return events
