"""Operations on dossiers: opening one from a request, tasks, reminders.

The stage machine is in ``stages.py``, the first-year milestones in ``milestones.py``.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from osez import roles

from . import stages
from .enums import Channel, InteractionKind, Need, Stage
from .models import Adult, Child, Household, HouseholdNeed, Interaction, Organisation, Task

logger = logging.getLogger(__name__)


def reassign_open_tasks(household, previous_advisor_id):
    """A dossier changed hands: its open tasks that the former advisor held follow it to the new one."""
    return household.tasks.open().filter(owner_id=previous_advisor_id).update(owner=household.advisor)


def complete_task(task, *, by):
    if task.done_at is None:
        task.done_at = timezone.now()
        task.done_by = by
        task.save(update_fields=["done_at", "done_by"])
    return task


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
    referrer = None
    if sr.employer:
        referrer = Organisation.objects.filter(name__iexact=sr.employer.strip()).first()
    with transaction.atomic():
        household = Household.objects.create(
            email=sr.email,
            phone=sr.phone,
            origin=sr.origin,
            # The public form does not ask how the family heard of us; an employer we know says it.
            channel=Channel.PARTNER_EMPLOYER if referrer is not None else "",
            employer_text=sr.employer,
            referrer=referrer,
            support_request=sr,
            consent_text_version=sr.consent_text_version,
            consent_given_at=sr.consent_given_at,
        )
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
        stages.open_dossier(household, reason=_("Demande reçue par le site public."))
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
            {
                "user": owner,
                "due": due,
                "overdue": overdue,
                "today": today,
                "base_url": settings.OSEZ_BASE_URL,
            },
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
        leads = roles.users_with_role(roles.TEAM_LEAD).exclude(email="")
        body = render_to_string(
            "accompagnement/email/escalation.txt",
            {"tasks": late, "limit": limit, "today": today, "base_url": settings.OSEZ_BASE_URL},
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
