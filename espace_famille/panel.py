"""What the dossier shows of the family space: its messages (with a reply form), checklist ticks and
survey answers; and the family's messages as events of the dossier's timeline."""

from django.utils.translation import gettext as _

from osez.timeline import Event

from . import services, words
from .forms import MessageForm
from .models import ChecklistTick, Message, SettlingSurvey


def dossier_panel(request, household):
    """Shown to whoever reads the full dossier (the advisor, team leads); None hides it (HR summary)."""
    if not request.user.has_perm("accompagnement.read_dossier", household):
        return None
    items = services.checklist_items_for(household)
    ticks = {t.item_id: t for t in ChecklistTick.objects.filter(household=household)}
    steps = [
        {
            "item": item,
            "need_words": words.need_words(item.need) if item.need else words.GENERAL_CHECKLIST,
            "tick": ticks.get(item.pk),
        }
        for item in items
    ]
    thread = list(Message.objects.thread(household))
    return {
        "household": household,
        "steps": steps,
        "ticked": sum(1 for step in steps if step["tick"]),
        "thread": thread[-10:],
        "thread_count": len(thread),
        "surveys": list(SettlingSurvey.objects.filter(household=household)),
        "reply_form": MessageForm(),
        "can_reply": request.user.has_perm("accompagnement.edit_dossier", household),
        "has_space_user": household.adults.exclude(email="").exists(),
    }


def timeline_events(household):
    events = []
    for message in Message.objects.thread(household):
        if message.from_family:
            who = str(message.adult) if message.adult is not None else _("la famille")
            title = _("Message de la famille (espace famille) : %(who)s") % {"who": who}
        else:
            title = _("Message à la famille (espace famille)")
        text = message.text
        if message.attachment:
            text += "\n" + _("Pièce jointe : %(name)s") % {"name": message.attachment_name}
        events.append(Event(message.created_at, "interaction", title, text, message.staff))
    for tick in ChecklistTick.objects.filter(household=household).select_related("item"):
        events.append(
            Event(
                tick.ticked_at,
                "need",
                _("Démarche faite par la famille : %(label)s") % {"label": tick.item.label},
            )
        )
    for survey in SettlingSurvey.objects.filter(household=household, answered_at__isnull=False):
        events.append(
            Event(
                survey.answered_at,
                "interaction",
                _("« Comment ça va ? » à %(m)s mois : %(score)s/10")
                % {"m": survey.milestone, "score": survey.score},
                survey.missing,
            )
        )
    return events
