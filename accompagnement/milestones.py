"""The first year after arrival: follow-up milestones (2 weeks, 1, 3, 6, 12 months) created as tasks."""

import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .enums import TaskKind
from .models import Task


def milestone_label(days):
    if days < 28 and days % 7 == 0:
        weeks = days // 7
        return ngettext("Point à %(n)d semaine", "Point à %(n)d semaines", weeks) % {"n": weeks}
    months = max(1, round(days / 30.44))
    if months >= 12 and months % 12 == 0:
        years = months // 12
        return ngettext("Point à %(n)d an", "Point à %(n)d ans", years) % {"n": years}
    return _("Point à %(n)d mois") % {"n": months}


# The short checklist each milestone carries (answers kept on the task): what an advisor checks by then.
CHECKLISTS = {
    14: [
        ("logement", _("Logement trouvé et emménagement fait")),
        ("inscriptions", _("Démarches d'inscription des enfants lancées")),
    ],
    30: [
        ("enfants_inscrits", _("Enfants inscrits (école, crèche ou assistante maternelle)")),
        ("medecin", _("Médecin traitant trouvé")),
        ("conjoint", _("Situation du conjoint ou de la conjointe (emploi)")),
    ],
    91: [
        ("conjoint", _("Situation du conjoint ou de la conjointe (emploi)")),
        ("vie_locale", _("Premiers contacts avec la vie locale (associations, voisinage)")),
    ],
    182: [
        ("satisfaction", _("La famille se sent bien installée")),
        ("conjoint", _("Situation du conjoint ou de la conjointe (emploi)")),
    ],
    365: [
        ("reste", _("La famille compte rester dans le département")),
        ("temoignage", _("Accepte de témoigner ou de parrainer une famille")),
    ],
}


def checklist_for(days):
    return [{"key": key, "label": str(label), "answer": ""} for key, label in CHECKLISTS.get(days, [])]


def create_milestones(household, *, owner=None):
    """The first-year follow-up tasks, from the arrival date (setting OSEZ_FOLLOWUP_MILESTONES_DAYS)."""
    household.refresh_from_db()
    created = []
    for days in sorted(set(settings.OSEZ_FOLLOWUP_MILESTONES_DAYS)):
        task, made = Task.objects.get_or_create(
            household=household,
            kind=TaskKind.MILESTONE,
            milestone_days=days,
            defaults={
                "title": milestone_label(days),
                "due_date": household.arrival_date + datetime.timedelta(days=days),
                "owner": owner,
                "checklist": checklist_for(days),
            },
        )
        if made:
            created.append(task)
    return created
