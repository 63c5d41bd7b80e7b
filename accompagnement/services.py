"""Operations on dossiers: opening one from a request, tasks, reminders.

The stage machine is in ``stages.py``, the first-year milestones in ``milestones.py``.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from osez import roles
from partenaires.models import Organisation

from . import stages
from .duplicates import flag_duplicates
from .enums import Channel, IntakeChannel, InteractionKind, Language, Need, Stage
from .models import (
    Adult,
    Child,
    Household,
    HouseholdNeed,
    Interaction,
    InteractionRevision,
    Task,
    TaskLog,
)

logger = logging.getLogger(__name__)


def ensure_childcare_need_for_expected_children(household):
    """An expected child brings its childcare need (crèche applications start during pregnancy)."""
    if household.children.filter(expected_on__isnull=False).exists():
        HouseholdNeed.objects.get_or_create(household=household, kind=Need.CHILDCARE)


def bulk_reassign(households, advisor, *, by):
    """Hand ``households`` to ``advisor`` with their open tasks; returns how many changed hands."""
    moved = 0
    with transaction.atomic():
        for household in households:
            previous = household.advisor_id
            if previous == advisor.pk:
                continue
            # The version moves too: an edit form open on one of these dossiers is now stale.
            Household.objects.filter(pk=household.pk).update(advisor=advisor, version=F("version") + 1)
            household.advisor = advisor
            reassign_open_tasks(household, previous)
            moved += 1
    return moved


def reassign_open_tasks(household, previous_advisor_id):
    """A dossier changed hands: its open tasks that the former advisor held follow it to the new one."""
    return household.tasks.open().filter(owner_id=previous_advisor_id).update(owner=household.advisor)


def complete_task(task, *, by, note="", checklist=None):
    """Mark a task done (with a note and, for a milestone, its checklist answers); logged."""
    fields = []
    if task.done_at is None:
        task.done_at = timezone.now()
        task.done_by = by
        fields += ["done_at", "done_by"]
        TaskLog.objects.create(task=task, action=TaskLog.Action.DONE, by=by, reason=note)
    if note != task.done_note and note:
        task.done_note = note
        fields.append("done_note")
    if checklist is not None and checklist != task.checklist:
        task.checklist = checklist
        fields.append("checklist")
    if fields:
        task.save(update_fields=fields)
    return task


def reopen_task(task, *, by):
    """Undo "fait": the task is open again; its checklist answers are kept; logged."""
    if task.done_at is not None:
        task.done_at = None
        task.done_by = None
        task.save(update_fields=["done_at", "done_by"])
        TaskLog.objects.create(task=task, action=TaskLog.Action.REOPENED, by=by)
    return task


def change_task(task, *, title, due_date, reason, by):
    """Change a task's title or due date; a later date is logged as a postponement with its reason."""
    old_due = task.due_date
    if title == task.title and due_date == old_due:
        return task
    task.title = title
    task.due_date = due_date
    task.save(update_fields=["title", "due_date"])
    action = TaskLog.Action.POSTPONED if due_date > old_due else TaskLog.Action.EDITED
    TaskLog.objects.create(task=task, action=action, by=by, from_due=old_due, to_due=due_date, reason=reason)
    return task


def correct_note(interaction, text, *, by):
    """Replace a note's text by its author's correction; the former text (as stored) is kept as a revision."""
    stored = Interaction.objects.values_list("text", flat=True).get(pk=interaction.pk)
    if text == stored:
        return interaction
    with transaction.atomic():
        InteractionRevision.objects.create(interaction=interaction, text=stored, edited_by=by)
        interaction.text = text
        interaction.edited_at = timezone.now()
        interaction.save(update_fields=["text", "edited_at"])
    return interaction


# --- Opening a dossier from the public request form -------------------------------------------------


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def open_from_support_request(support_request, language=None):
    """Open a "nouvelle demande" dossier from what the family typed on /demande/ (idempotent).

    ``language``: the language of the page the request was sent from; the family space and the e-mails
    to the family speak it (French when not given).
    """
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
            arrival_horizon=sr.arrival_horizon or "",
            intake_channel=IntakeChannel.WEB_FORM,
            language=Language.of(language),
            campaign_source=sr.campaign_source,
            campaign_medium=sr.campaign_medium,
            campaign_name=sr.campaign_name,
            referral=sr.referral,
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
        reason = _("Demande reçue par le site public.")
        if getattr(sr, "language", "fr") == "en":
            # Sent from /en/demande/: the family reads English (its confirmation was in English).
            reason = _("Demande reçue par le site public, en anglais : la famille lit l'anglais.")
        stages.open_dossier(household, reason=reason)
    flag_duplicates(household)
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


# --- Opening a dossier after a call, a fair or an e-mail (the intake form) ----------------------------

INTAKE_INTERACTION = {
    "telephone": InteractionKind.CALL,
    "courriel": InteractionKind.EMAIL,
    "rendez_vous": InteractionKind.MEETING,
    "salon": InteractionKind.EVENT,
}


def open_from_referral(
    *,
    referrer,
    first_name,
    last_name,
    email="",
    phone="",
    adults=1,
    children_birth_years=(),
    arrival_date=None,
    origin="",
    consent_text_version,
):
    """Open a "nouvelle demande" dossier for a recruit a partner employer refers (issue 17).

    Assigned as a public request is: to nobody, announced to the team; the family is contacted by an
    advisor, who takes the dossier at first contact. The recruit agreed to be contacted (the employer's
    form refuses a referral without that consent), so the dossier records that consent.
    """
    with transaction.atomic():
        household = Household.objects.create(
            email=email,
            phone=phone,
            origin=origin,
            channel=Channel.PARTNER_EMPLOYER,
            referrer=referrer,
            employer_text=referrer.name,
            arrival_date=arrival_date,
            intake_channel=IntakeChannel.EMPLOYER_REFERRAL,
            consent_text_version=consent_text_version,
            consent_given_at=timezone.now(),
        )
        Adult.objects.create(
            household=household, first_name=first_name, last_name=last_name, email=email, phone=phone
        )
        for number in range(2, (adults or 1) + 1):
            Adult.objects.create(
                household=household,
                first_name=_("Adulte %(n)d (à compléter)") % {"n": number},
                last_name=last_name,
            )
        for index, year in enumerate(children_birth_years, start=1):
            Child.objects.create(
                household=household, first_name=_("Enfant %(n)d") % {"n": index}, birth_year=year
            )
        stages.open_dossier(
            household,
            reason=_("Salarié·e orienté·e par l'employeur partenaire %(name)s.") % {"name": referrer.name},
        )
    flag_duplicates(household)
    transaction.on_commit(lambda: notify_new_request(household))
    return household


def import_cohort(cohort, preview, *, by):
    """Open a dossier for each checked row of a group arrival's file, all or nothing; how many opened.

    The rows were checked again just before (the preview may be old); an e-mail that an open dossier took
    since is set aside by that check, not imported twice.
    """
    opened = []
    with transaction.atomic():
        for row in preview.valid:
            v = row.values
            household = Household.objects.create(
                email=v["email"],
                phone=v["phone"],
                origin=v["origin"],
                channel=Channel.PARTNER_EMPLOYER if cohort.organisation_id else "",
                referrer=cohort.organisation,
                employer_text=cohort.organisation.name if cohort.organisation_id else "",
                arrival_date=v["arrival_date"],
                intake_channel=IntakeChannel.COHORT_IMPORT,
                cohort=cohort,
            )
            Adult.objects.create(
                household=household,
                first_name=v["first_name"] or _("Adulte 1 (à compléter)"),
                last_name=v["last_name"],
                email=v["email"],
                phone=v["phone"],
            )
            for number in range(2, v["adults"] + 1):
                Adult.objects.create(
                    household=household,
                    first_name=_("Adulte %(n)d (à compléter)") % {"n": number},
                    last_name=v["last_name"],
                )
            for index, year in enumerate(v["children"], start=1):
                Child.objects.create(
                    household=household, first_name=_("Enfant %(n)d") % {"n": index}, birth_year=year
                )
            stages.open_dossier(
                household,
                by=by,
                reason=_("Arrivée en groupe « %(name)s » (fichier importé).") % {"name": cohort.name},
            )
            opened.append(household)
    for household in opened:
        flag_duplicates(household)
    return len(opened)


def open_from_intake(data, *, by, consent_text_version):
    """Open a dossier from the intake form's cleaned data; (household, created).

    Idempotent on ``intake_key``: the same form posted twice returns the dossier the first POST opened.
    """
    existing = Household.objects.filter(intake_key=data["intake_key"]).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            household = Household.objects.create(
                intake_key=data["intake_key"],
                intake_channel=data["intake_channel"],
                email=data.get("email") or "",
                phone=data.get("phone") or "",
                origin=data.get("origin") or "",
                channel=data.get("channel") or "",
                arrival_horizon=data.get("arrival_horizon") or "",
                arrival_date=data.get("arrival_date"),
                advisor=data.get("advisor"),
                # The family's language when the intake knows it (an event sign-up on the English page).
                language=Language.of(data.get("language")),
                consent_text_version=consent_text_version,
                consent_given_at=timezone.now(),
            )
            household.communes_considered.set(data.get("communes_considered") or [])
            needs = list(dict.fromkeys(data.get("needs") or []))
            Adult.objects.create(
                household=household,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data.get("email") or "",
                phone=data.get("phone") or "",
                is_spouse_seeking_job=False,
            )
            for number in range(2, (data.get("adults") or 1) + 1):
                Adult.objects.create(
                    household=household,
                    first_name=_("Adulte %(n)d (à compléter)") % {"n": number},
                    last_name=data["last_name"],
                    is_spouse_seeking_job=number == 2 and Need.SPOUSE_JOB in needs,
                )
            for code in needs:
                HouseholdNeed.objects.create(household=household, kind=code)
            if data.get("note"):
                Interaction.objects.create(
                    household=household,
                    kind=INTAKE_INTERACTION.get(data["intake_channel"], InteractionKind.NOTE),
                    text=data["note"],
                    author=by,
                )
            stages.open_dossier(
                household,
                by=by,
                reason=_("Dossier ouvert par l'équipe (%(channel)s).")
                % {"channel": household.get_intake_channel_display()},
            )
    except IntegrityError:
        # The same key committed by a concurrent POST between our check and our insert.
        return Household.objects.get(intake_key=data["intake_key"]), False
    flag_duplicates(household)
    return household, True
