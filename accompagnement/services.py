"""Operations on dossiers: opening one from a request, moving it through its stages, the follow-up
milestones, reminders, and the nearest places of the open-data layers."""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from osez import roles

from .enums import InteractionKind, Need, NeedState, Outcome, Stage, TaskKind
from .models import Adult, Child, Household, HouseholdNeed, Interaction, Organisation, StageTransition, Task

logger = logging.getLogger(__name__)

STAGE_ORDER = [Stage.NEW, Stage.FIRST_CONTACT, Stage.PROJECT, Stage.ARRIVED, Stage.CLOSED]
# Before arrival a dossier can only end "sans suite" or "perdu de vue"; every outcome is allowed after.
OUTCOMES_BEFORE_ARRIVAL = {Outcome.NO_FOLLOW_UP, Outcome.LOST}


# What moving to each stage means, shown next to the button (for advisors new to the tool).
STAGE_HELP = {
    Stage.FIRST_CONTACT: _lazy(
        "Vous avez parlé avec la famille (appel ou rendez-vous) et compris son projet."
    ),
    Stage.PROJECT: _lazy(
        "La famille prépare son installation avec vous : communes, logement, école, garde, médecin."
    ),
    Stage.ARRIVED: _lazy(
        "La famille est arrivée : les points de suivi de la première année sont créés à partir de la date d'arrivée."
    ),
}


class TransitionError(Exception):
    """A stage change that is not allowed; ``str(error)`` is the French reason shown to the advisor."""


def next_stage(stage):
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def _skip_message(current, to_stage):
    if current == to_stage:
        return _("Le dossier est déjà à l'étape « %(current)s ».") % {"current": Stage(current).label}
    return _(
        "Impossible de passer à « %(to)s » : le dossier est à l'étape « %(current)s ». "
        "L'étape suivante est « %(next)s » : on ne saute pas d'étape."
    ) % {
        "to": Stage(to_stage).label,
        "current": Stage(current).label,
        "next": Stage(next_stage(current)).label,
    }


def _transition(household, expected, to_stage, *, by, reason="", outcome="", **changes):
    """Move ``household`` from ``expected`` to ``to_stage`` under a row lock, and log it."""
    with transaction.atomic():
        current = Household.objects.select_for_update().get(pk=household.pk)
        if current.stage != expected:
            if current.stage == Stage.CLOSED:
                raise TransitionError(_("Ce dossier est clos : il ne change plus d'étape."))
            raise TransitionError(_skip_message(current.stage, to_stage))
        now = timezone.now()
        # Bumping the version makes an edit form opened before the transition refuse its save.
        Household.objects.filter(pk=current.pk).update(
            stage=to_stage, outcome=outcome, stage_changed_at=now, version=F("version") + 1, **changes
        )
        StageTransition.objects.create(
            household=current,
            from_stage=expected,
            to_stage=to_stage,
            outcome=outcome,
            by=by,
            at=now,
            reason=reason,
        )
    household.refresh_from_db()
    return household


def record_first_contact(household, *, by, reason=""):
    """nouvelle demande → premier contact: an advisor has spoken to the family."""
    if household.advisor_id is None and by is not None:
        Household.objects.filter(pk=household.pk, advisor__isnull=True).update(advisor=by)
    return _transition(household, Stage.NEW, Stage.FIRST_CONTACT, by=by, reason=reason)


def start_project(household, *, by, reason=""):
    """premier contact → projet d'installation: the family is preparing its move with us."""
    return _transition(household, Stage.FIRST_CONTACT, Stage.PROJECT, by=by, reason=reason)


def mark_arrived(household, *, by, arrival_date=None, reason=""):
    """projet d'installation → arrivé: records the arrival date and creates the first-year milestones."""
    arrival_date = arrival_date or household.arrival_date
    if arrival_date is None:
        raise TransitionError(_("Indiquez la date d'arrivée de la famille."))
    today = timezone.localdate()
    if arrival_date > today:
        raise TransitionError(
            _("La date d'arrivée (%(date)s) est dans le futur : la famille n'est pas encore arrivée.")
            % {"date": arrival_date.strftime("%d/%m/%Y")}
        )
    with transaction.atomic():
        _transition(household, Stage.PROJECT, Stage.ARRIVED, by=by, reason=reason, arrival_date=arrival_date)
        create_milestones(household, owner=household.advisor or by)
    return household


def close_followup(household, *, by, outcome, reason=""):
    """→ suivi terminé with an outcome. After arrival any outcome; before, only "sans suite" or "perdu de vue"."""
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise TransitionError(_("Choisissez l'issue du suivi.")) from None
    if household.stage == Stage.CLOSED:
        raise TransitionError(_("Ce dossier est clos : il ne change plus d'étape."))
    if household.stage != Stage.ARRIVED and outcome not in OUTCOMES_BEFORE_ARRIVAL:
        raise TransitionError(
            _(
                "« %(outcome)s » suppose que la famille est arrivée : le dossier est à l'étape « %(current)s ». "
                "Avant l'arrivée, un dossier se clôt « sans suite » ou « perdu de vue »."
            )
            % {"outcome": outcome.label, "current": Stage(household.stage).label}
        )
    if (
        outcome == Outcome.SETTLED
        and household.arrival_date
        and (timezone.localdate() - household.arrival_date).days < 182
    ):
        raise TransitionError(
            _("« Installé durablement » se constate au moins six mois après l'arrivée : poursuivez le suivi.")
        )
    with transaction.atomic():
        _transition(
            household, household.stage, Stage.CLOSED, by=by, reason=reason, outcome=outcome,
            closed_on=timezone.localdate(),
        )  # fmt: skip
        # Milestones still open no longer make sense once the follow-up is over.
        household.tasks.open().filter(kind=TaskKind.MILESTONE).delete()
    return household


TRANSITIONS = {
    Stage.FIRST_CONTACT: record_first_contact,
    Stage.PROJECT: start_project,
    Stage.ARRIVED: mark_arrived,
    Stage.CLOSED: close_followup,
}


def move_to(household, to_stage, *, by, reason="", **kwargs):
    """Dispatch to the transition for ``to_stage``; refuses a skipped stage with the reason."""
    try:
        to_stage = Stage(to_stage)
    except ValueError:
        raise TransitionError(_("Étape inconnue.")) from None
    if to_stage == Stage.NEW:
        raise TransitionError(_("Un dossier ne revient pas à « nouvelle demande »."))
    if household.stage == Stage.CLOSED:
        raise TransitionError(_("Ce dossier est clos : il ne change plus d'étape."))
    if to_stage != Stage.CLOSED and next_stage(household.stage) != to_stage:
        raise TransitionError(_skip_message(household.stage, to_stage))
    return TRANSITIONS[to_stage](household, by=by, reason=reason, **kwargs)


def milestone_label(days):
    if days < 28 and days % 7 == 0:
        weeks = days // 7
        return ngettext("Point à %(n)d semaine", "Point à %(n)d semaines", weeks) % {"n": weeks}
    months = max(1, round(days / 30.44))
    if months >= 12 and months % 12 == 0:
        years = months // 12
        return ngettext("Point à %(n)d an", "Point à %(n)d ans", years) % {"n": years}
    return _("Point à %(n)d mois") % {"n": months}


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
            },
        )
        if made:
            created.append(task)
    return created


def reassign_open_tasks(household, previous_advisor_id):
    """A dossier changed hands: its open tasks that the former advisor held follow it to the new one."""
    return household.tasks.open().filter(owner_id=previous_advisor_id).update(owner=household.advisor)


def complete_task(task, *, by):
    if task.done_at is None:
        task.done_at = timezone.now()
        task.done_by = by
        task.save(update_fields=["done_at", "done_by"])
    return task


def update_need(need, *, state, note=None, resolved_on=None):
    need.state = state
    if note is not None:
        need.note = note
    need.resolved_on = resolved_on if state == NeedState.RESOLVED else None
    need.full_clean()
    need.save()
    return need


# --- Opening a dossier from the public request form -------------------------------------------------


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def open_from_support_request(support_request):
    """Open a "nouvelle demande" dossier from what the family typed on /demande/ (idempotent)."""
    existing = Household.objects.filter(support_request=support_request).first()
    if existing:
        return existing
    sr = support_request
    channel = getattr(sr, "channel", "") or ""
    from .enums import Channel

    referrer = None
    if sr.employer:
        referrer = Organisation.objects.filter(name__iexact=sr.employer.strip()).first()
    with transaction.atomic():
        household = Household.objects.create(
            email=sr.email,
            phone=sr.phone,
            origin=sr.origin,
            channel=channel if channel in Channel.values else "",
            employer_text=sr.employer,
            referrer=referrer,
            support_request=sr,
            consent_text_version=sr.consent_text_version,
            consent_given_at=sr.consent_given_at,
        )
        if referrer is not None and not household.channel:
            household.channel = Channel.PARTNER_EMPLOYER
            household.save(update_fields=["channel"])
        household.communes_considered.set(sr.communes_considered.all())
        needs = [code for code in dict.fromkeys(sr.needs or []) if code in Need.values]
        Adult.objects.create(
            household=household,
            first_name=sr.first_name,
            last_name=sr.last_name,
            email=sr.email,
            phone=sr.phone,
        )
        for number in range(2, (sr.adults or 1) + 1):
            Adult.objects.create(
                household=household,
                first_name=_("Adulte %(n)d (à compléter)") % {"n": number},
                last_name=sr.last_name,
                is_spouse_seeking_job=number == 2 and Need.SPOUSE_JOB in needs,
            )
        this_year = timezone.localdate().year
        for index, child in enumerate(sr.children or [], start=1):
            child = child if isinstance(child, dict) else {}
            year = _int_or_none(child.get("birth_year"))
            if year is None or not (this_year - 30 <= year <= this_year):
                continue  # the form validates years; a bad one here is skipped rather than stored wrong
            Child.objects.create(
                household=household,
                first_name=(child.get("first_name") or "").strip() or _("Enfant %(n)d") % {"n": index},
                birth_year=year,
            )
        opened = timezone.localdate(sr.created_at) if sr.created_at else timezone.localdate()
        for code in needs:
            HouseholdNeed.objects.create(household=household, kind=code, opened_on=opened)
        if sr.message:
            Interaction.objects.create(
                household=household, kind=InteractionKind.REQUEST, happened_on=opened, text=sr.message
            )
        StageTransition.objects.create(
            household=household,
            from_stage="",
            to_stage=Stage.NEW,
            reason=_("Demande reçue par le site public."),
        )
    transaction.on_commit(lambda: notify_new_request(household))
    return household


def notify_new_request(household):
    """Tell the team a request arrived (reference and link only: no personal data in the e-mail)."""
    if not settings.OSEZ_ADVISORS_EMAIL:
        return
    send_mail(
        _("Nouvelle demande d'accompagnement %(ref)s") % {"ref": household.reference},
        render_to_string("accompagnement/email/new_request.txt", {"household": household}),
        settings.DEFAULT_FROM_EMAIL,
        [settings.OSEZ_ADVISORS_EMAIL],
        fail_silently=True,
    )


# --- Reminders ---------------------------------------------------------------------------------------


def send_reminders(today=None):
    """E-mail each advisor their due and overdue tasks; report long-overdue ones to the team leads.

    Returns (number of advisor e-mails, number of team-lead e-mails).
    """
    today = today or timezone.localdate()
    User = get_user_model()
    tasks = (
        Task.objects.due_by(today)
        .filter(household__stage__in=[s for s in Stage.values if s != Stage.CLOSED])
        .select_related("household", "owner")
        .order_by("due_date")
    )
    by_owner = defaultdict(list)
    for task in tasks:
        owner = task.owner or task.household.advisor
        if owner is not None and owner.is_active and owner.email:
            by_owner[owner].append(task)
    sent_advisors = 0
    for owner, owned in by_owner.items():
        due = [t for t in owned if t.due_date == today]
        overdue = [t for t in owned if t.due_date < today]
        body = render_to_string(
            "accompagnement/email/reminders.txt",
            {"user": owner, "due": due, "overdue": overdue, "today": today, "base_url": _base_url()},
        )
        subject = ngettext(
            "Osez : %(n)d tâche à faire aujourd'hui", "Osez : %(n)d tâches à faire aujourd'hui", len(owned)
        ) % {"n": len(owned)}
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email])
        sent_advisors += 1

    limit = settings.OSEZ_OVERDUE_ESCALATION_DAYS
    late = [t for t in tasks if (today - t.due_date).days > limit]
    sent_leads = 0
    if late:
        leads = User.objects.filter(is_active=True, groups__name=roles.TEAM_LEAD).exclude(email="").distinct()
        body = render_to_string(
            "accompagnement/email/escalation.txt",
            {"tasks": late, "limit": limit, "today": today, "base_url": _base_url()},
        )
        subject = ngettext(
            "Osez : %(n)d tâche en retard de plus de %(d)d jours",
            "Osez : %(n)d tâches en retard de plus de %(d)d jours",
            len(late),
        ) % {"n": len(late), "d": limit}
        for lead in leads:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [lead.email])
            sent_leads += 1
    logger.info("reminders sent: %s advisors, %s team leads", sent_advisors, sent_leads)
    return sent_advisors, sent_leads


def _base_url():
    return getattr(settings, "OSEZ_BASE_URL", "") or "http://127.0.0.1:8000"
