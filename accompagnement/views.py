"""The advisors' purpose-built pages: home, my tasks, the dossier and its timeline, the welcome pack,
and the figures for the direction. Every page checks the role; reads, writes and exports are audited."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.models import Commune, Place
from osez import roles
from osez.audit import Action, record
from osez.exports import csv_response
from osez.figures import hidden_note, period_choices, period_from_request
from osez.locking import StaleVersionError
from osez.roles import has_role, role_required
from osez.staff import render_staff
from osez.state_machine import TransitionRefused
from portail.models import Sheet, SheetTheme

from . import duplicates, figures, nearby, services, stages, timeline
from .enums import Need, Outcome, Stage
from .forms import (
    AddNeedForm,
    AdultFormSet,
    ChildFormSet,
    HouseholdForm,
    IntakeForm,
    InteractionForm,
    MergeForm,
    NeedForm,
    NoteCorrectionForm,
    PinForm,
    TaskDoneForm,
    TaskEditForm,
    TaskForm,
    TransitionForm,
)
from .models import Household, HouseholdNeed, Interaction, PinnedPlace, Task, can_correct
from .panels import dossier_panels

# The triage queue's sort orders: the column a person clicks → the order of the queryset.
TRIAGE_SORTS = {
    "age": "created_at",
    "-age": "-created_at",
    "horizon": "arrival_horizon",
    "reference": "reference",
}

DOSSIER_ROLES = (roles.ADVISOR, roles.TEAM_LEAD)
HOME_ROLES = (roles.ADVISOR, roles.TEAM_LEAD, roles.HR, roles.MARKETING)
FIGURES_ROLES = (roles.ADVISOR, roles.TEAM_LEAD, roles.MARKETING)


def _households():
    # A commune row carries its contour (heavy GeoJSON): never load it for these pages.
    return Household.objects.select_related("advisor", "commune_chosen", "referrer").defer(
        "commune_chosen__contour"
    )


def errors_in_words(form):
    """ "Date d'arrivée : Saisissez une date valide." rather than "* arrival_date * …" (labels, not code names)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.extend(f"{label} : {e}" if label else str(e) for e in errors)
    return " ".join(parts)


def refusal_reason(household):
    """Why a dossier is refused and who can open the door, for the 403 page (names the people concerned)."""
    leads = ", ".join(
        u.get_full_name() or u.username for u in roles.users_with_role(roles.TEAM_LEAD).order_by("last_name")
    )
    if household.advisor_id:
        advisor = household.advisor.get_full_name() or household.advisor.username
        reason = _(
            "Le dossier %(ref)s est suivi par %(advisor)s : seuls son ou sa conseiller·ère et les "
            "responsables d'équipe peuvent l'ouvrir ou le modifier."
        ) % {"ref": household.reference, "advisor": advisor}
    else:
        reason = _("Votre rôle ne permet pas d'ouvrir ou de modifier le dossier %(ref)s.") % {
            "ref": household.reference
        }
    if leads:
        reason += " " + _("Pour qu'il vous soit attribué, adressez-vous à : %(leads)s.") % {"leads": leads}
    return reason


def _allowed_or_403(request, household, permission):
    if not request.user.has_perm(permission, household):
        raise PermissionDenied(refusal_reason(household))
    return household


def _editable_or_403(request, household):
    return _allowed_or_403(request, household, "accompagnement.edit_dossier")


def _readable_or_403(request, household):
    return _allowed_or_403(request, household, "accompagnement.read_dossier")


# --- Home and tasks ---------------------------------------------------------------------------------


@role_required(*HOME_ROLES)
def home(request):
    """The advisor's morning page: my open dossiers by stage, the unassigned requests, my tasks."""
    user = request.user
    if not has_role(user, roles.ADVISOR, roles.TEAM_LEAD, roles.HR):
        return redirect("accompagnement:figures")  # marketing: figures only
    if not has_role(user, *DOSSIER_ROLES):
        return hr_home(request)
    mine = (
        _households()
        .open()
        .of_advisor(user)
        .prefetch_related("adults")
        .annotate(n_open_tasks=Count("tasks", filter=Q(tasks__done_at__isnull=True)))
    )
    columns = [(stage, [h for h in mine if h.stage == stage]) for stage in Stage if stage != Stage.CLOSED]
    today = timezone.localdate()
    tasks = Task.objects.due_by(today + datetime.timedelta(days=7)).of_user(user).select_related("household")
    context = {
        "columns": columns,
        "unassigned": _triage(request),
        "triage_sort": request.GET.get("tri", "age") if request.GET.get("tri") in TRIAGE_SORTS else "age",
        "sort_choices": [
            ("age", _("la plus ancienne")),
            ("-age", _("la plus récente")),
            ("horizon", _("arrivée la plus proche")),
            ("reference", _("référence")),
        ],
        "tasks": tasks,
        "today": today,
        "is_lead": has_role(user, roles.TEAM_LEAD),
        "team_open": _households().open().exclude(advisor=user).count(),
    }
    return render_staff(request, "accompagnement/home.html", context)


def _triage(request):
    """The new requests to assign, with what an advisor needs to pick one up; sortable by ``?tri=``."""
    order = TRIAGE_SORTS.get(request.GET.get("tri", "age"), "created_at")
    queue = (
        _households()
        .unassigned()
        .filter(merged_into__isnull=True)
        .prefetch_related("needs", "adults", "possible_duplicates")
        .prefetch_related(models.Prefetch("communes_considered", queryset=Commune.objects.only("pk", "name")))
        .order_by(order, "pk")[:100]
    )
    today = timezone.localdate()
    rows = list(queue)
    for household in rows:
        household.age_days = (today - timezone.localdate(household.created_at)).days
    return rows


def hr_home(request):
    """HR specialists: the households with a spouse-job need, without the family's notes."""
    needs = (
        HouseholdNeed.objects.filter(kind=Need.SPOUSE_JOB)
        .exclude(household__stage=Stage.CLOSED)
        .select_related("household__advisor", "household__commune_chosen")
        .order_by("state", "-household__created_at")
    )
    return render_staff(request, "accompagnement/hr_home.html", {"needs": needs})


@role_required(*DOSSIER_ROLES)
def my_tasks(request):
    """ "Mes tâches": the same list as the morning e-mail (due today and overdue), then the next ones."""
    today = timezone.localdate()
    base = Task.objects.open().of_user(request.user).exclude(household__stage=Stage.CLOSED)
    base = base.select_related("household")
    context = {
        "overdue": base.filter(due_date__lt=today),
        "due_today": base.filter(due_date=today),
        "upcoming": base.filter(due_date__gt=today, due_date__lte=today + datetime.timedelta(days=30)),
        "today": today,
        "is_lead": has_role(request.user, roles.TEAM_LEAD),
    }
    return render_staff(request, "accompagnement/tasks.html", context)


# --- The dossier ------------------------------------------------------------------------------------


@role_required(*DOSSIER_ROLES, roles.HR)
def dossier(request, pk):
    household = get_object_or_404(_households(), pk=pk)
    user = request.user
    if not user.has_perm("accompagnement.read_dossier", household):
        if not user.has_perm("accompagnement.read_dossier_summary", household):
            raise PermissionDenied(refusal_reason(household))
        record(request, Action.VIEW, household, detail="résumé RH")
        return render_staff(
            request,
            "accompagnement/dossier_summary.html",
            {"household": household, "need": household.needs.filter(kind=Need.SPOUSE_JOB).first()},
        )
    record(request, Action.VIEW, household)
    return render_staff(request, "accompagnement/dossier.html", _dossier_context(request, household))


def _need_forms(household):
    return [(need, NeedForm(instance=need, prefix=f"need{need.pk}")) for need in household.needs.all()]


def _refused(request, household, message, **forms):
    """The dossier page again, with the form that was refused and what was typed in it (400)."""
    messages.error(request, message)
    context = _dossier_context(request, household, **forms)
    return render_staff(request, "accompagnement/dossier.html", context, status=400)


TIMELINE_PAGE = 50

TIMELINE_FILTERS = {
    "tout": None,
    "echanges": {"interaction"},
    "etapes": {"stage", "merge"},
    "taches": {"task"},
    "besoins": {"need"},
    "lieux": {"pin"},
}


def _nearby_with_childcare(household):
    """[(commune, {layer: places}, CNAF capacity rows or None)]: the capacity only for a family with a baby."""
    around = nearby.nearby_for_household(household)
    if not nearby.has_baby(household):
        return [(commune, layers, None) for commune, layers in around]
    capacity = nearby.childcare_capacity([commune for commune, _layers in around])
    return [(commune, layers, capacity.get(commune.pk, [])) for commune, layers in around]


def _dossier_context(request, household, **overrides):
    can_edit = request.user.has_perm("accompagnement.edit_dossier", household)
    nxt = stages.next_stage(household.stage)
    pinned = list(
        household.pinned_places.select_related("place__layer", "place__commune").defer(
            "place__commune__contour"
        )
    )
    tasks = list(household.tasks.select_related("owner").order_by("done_at", "due_date", "pk"))
    today = timezone.localdate()
    timeline_filter = request.GET.get("fil", "tout")
    if timeline_filter not in TIMELINE_FILTERS:
        timeline_filter = "tout"
    kinds = TIMELINE_FILTERS[timeline_filter]
    events = timeline.build(household, user=request.user)
    if kinds is not None:
        events = [e for e in events if e.kind in kinds]
    # The newest entries first; a long history is shown whole on demand (it reads better, renders faster).
    show_all = request.GET.get("fil_complet") == "1"
    hidden = 0 if show_all else max(0, len(events) - TIMELINE_PAGE)
    if hidden:
        events = events[:TIMELINE_PAGE]
    context = {
        "household": household,
        "can_edit": can_edit,
        "adults": household.adults.all(),
        "children": household.children.all(),
        "needs": _need_forms(household),
        "add_need_form": AddNeedForm(auto_id="id_need_%s"),
        "tasks": tasks,
        "open_tasks": [t for t in tasks if not t.is_done],
        "today": today,
        "task_form": TaskForm(),
        "interaction_form": InteractionForm(auto_id="id_interaction_%s"),
        "events": events,
        "timeline_filter": timeline_filter,
        "timeline_hidden": hidden,
        "timeline_filters": [
            ("tout", _("tout")),
            ("echanges", _("échanges et notes")),
            ("etapes", _("étapes")),
            ("taches", _("tâches")),
            ("besoins", _("besoins")),
            ("lieux", _("lieux")),
        ],
        "next_stage": nxt if nxt and not household.is_closed else None,
        "next_stage_help": stages.STAGE_HELP.get(nxt, ""),
        "transition_form": TransitionForm(initial={"to_stage": nxt, "arrival_date": household.arrival_date}),
        "close_form": TransitionForm(initial={"to_stage": Stage.CLOSED}),
        "outcomes": Outcome.choices,
        "stages": [(s, s == household.stage) for s in Stage],
        "nearby": _nearby_with_childcare(household),
        "pinned": pinned,
        "pinned_ids": {p.place_id for p in pinned},
        "pinned_open": "lieux" in request.GET,
        "communes_considered": household.communes_considered.defer("contour"),
        "Stage": Stage,
        "panels": dossier_panels(request, household),
        "duplicate_matches": duplicates.duplicates_of(household) if can_edit else [],
    }
    context.update(overrides)
    return context


@role_required(*DOSSIER_ROLES)
def dossier_edit(request, pk):
    household = _editable_or_403(request, get_object_or_404(Household, pk=pk))
    can_reassign = request.user.has_perm("accompagnement.reassign_dossier", household)
    if request.method == "POST":
        form = HouseholdForm(request.POST, instance=household, can_reassign=can_reassign)
        adults = AdultFormSet(request.POST, instance=household, prefix="adults")
        children = ChildFormSet(request.POST, instance=household, prefix="children")
        if form.is_valid() and adults.is_valid() and children.is_valid():
            previous_advisor_id = Household.objects.values_list("advisor_id", flat=True).get(pk=household.pk)
            try:
                with transaction.atomic():
                    form.save()
                    adults.save()
                    children.save()
                    if household.advisor_id != previous_advisor_id:
                        services.reassign_open_tasks(household, previous_advisor_id)
                    services.ensure_childcare_need_for_expected_children(household)
            except StaleVersionError:
                pass  # the form now carries the conflict screen; everything typed is shown again
            else:
                detail = "enregistré par-dessus une version plus récente" if form.overwrote else ""
                record(request, Action.CHANGE, household, detail=detail)
                messages.success(request, _("Dossier enregistré."))
                return redirect(household)
        if form.lock_conflict:
            # The members' forms were loaded from the database now: their differences belong on the screen.
            form.lock_conflict.add_formset(adults, _("Adulte"))
            form.lock_conflict.add_formset(children, _("Enfant"))
    else:
        form = HouseholdForm(instance=household, can_reassign=can_reassign)
        adults = AdultFormSet(instance=household, prefix="adults")
        children = ChildFormSet(instance=household, prefix="children")
    return render_staff(
        request,
        "accompagnement/dossier_edit.html",
        {"household": household, "form": form, "adults": adults, "children": children},
    )


@require_POST
@role_required(*DOSSIER_ROLES)
def dossier_transition(request, pk):
    household = _editable_or_403(request, get_object_or_404(Household, pk=pk))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Changement d'étape incomplet : %(errors)s") % {"errors": errors_in_words(form)},
        )
        return redirect(household)
    data = form.cleaned_data
    kwargs = {}
    if data["to_stage"] == Stage.ARRIVED:
        kwargs["arrival_date"] = data["arrival_date"]
    if data["to_stage"] == Stage.CLOSED:
        kwargs["outcome"] = data["outcome"]
    try:
        stages.move_to(household, data["to_stage"], by=request.user, reason=data["reason"], **kwargs)
    except TransitionRefused as error:
        messages.error(request, str(error))
    else:
        record(request, Action.CHANGE, household, detail=f"étape → {data['to_stage']}")
        messages.success(
            request,
            _("Le dossier est passé à l'étape « %(stage)s ».") % {"stage": household.get_stage_display()},
        )
        if household.stage == Stage.ARRIVED:
            messages.info(request, _("Les points de suivi de la première année ont été créés (voir Tâches)."))
    return redirect(household)


@require_POST
@role_required(*DOSSIER_ROLES)
def dossier_take(request, pk):
    """An advisor takes an unassigned request."""
    household = get_object_or_404(Household, pk=pk)
    updated = Household.objects.filter(pk=pk, advisor__isnull=True).update(advisor=request.user)
    if updated:
        record(request, Action.CHANGE, household, detail="attribution")
        messages.success(request, _("Le dossier %(ref)s vous est attribué.") % {"ref": household.reference})
    else:
        messages.error(request, _("Ce dossier a déjà été pris par un·e collègue."))
    return redirect(household)


@require_POST
@role_required(*DOSSIER_ROLES)
def need_update(request, pk, need_pk):
    household = _editable_or_403(request, get_object_or_404(Household, pk=pk))
    need = get_object_or_404(HouseholdNeed, pk=need_pk, household=household)
    form = NeedForm(request.POST, instance=need, prefix=f"need{need.pk}")
    if form.is_valid():
        form.save()
        record(request, Action.CHANGE, household, detail=f"besoin {need.kind}")
        messages.success(
            request,
            _("Besoin « %(kind)s » : %(state)s.")
            % {"kind": need.get_kind_display(), "state": need.get_state_display()},
        )
        return redirect(household)
    needs = [(n, form if n.pk == need.pk else f) for n, f in _need_forms(household)]
    return _refused(
        request, household, _("Le besoin n'a pas été modifié : corrigez les champs signalés."), needs=needs
    )


@require_POST
@role_required(*DOSSIER_ROLES)
def need_add(request, pk):
    household = _editable_or_403(request, get_object_or_404(Household, pk=pk))
    form = AddNeedForm(request.POST)
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        if kind != Need.OTHER and household.needs.filter(kind=kind).exists():
            messages.error(request, _("Ce besoin figure déjà dans le dossier."))
        else:
            HouseholdNeed.objects.create(household=household, kind=kind)
            record(request, Action.CHANGE, household, detail=f"besoin ajouté {kind}")
    return redirect(household)


@require_POST
@role_required(*DOSSIER_ROLES)
def interaction_add(request, pk):
    household = _editable_or_403(request, get_object_or_404(Household, pk=pk))
    form = InteractionForm(request.POST, auto_id="id_interaction_%s")
    if form.is_valid():
        interaction = form.save(commit=False)
        interaction.household = household
        interaction.author = request.user
        interaction.save()
        record(request, Action.CREATE, household, detail="échange")
        messages.success(request, _("Échange ajouté au fil du dossier."))
        return redirect(household)
    return _refused(
        request,
        household,
        _("L'échange n'a pas été ajouté : corrigez les champs signalés."),
        interaction_form=form,
    )


@require_POST
@role_required(*DOSSIER_ROLES)
def task_add(request, pk):
    household = _editable_or_403(request, get_object_or_404(Household, pk=pk))
    form = TaskForm(request.POST)
    if form.is_valid():
        task = form.save(commit=False)
        task.household = household
        task.owner = household.advisor or request.user
        task.save()
        messages.success(request, _("Tâche ajoutée."))
        return redirect(household)
    return _refused(
        request, household, _("La tâche n'a pas été ajoutée : corrigez les champs signalés."), task_form=form
    )


@require_POST
@role_required(*DOSSIER_ROLES)
def task_done(request, pk, task_pk):
    """ "Marquer comme fait" from a list: done at once, with a way back (reopen) named in the message."""
    household = _editable_or_403(request, get_object_or_404(Household, pk=pk))
    task = get_object_or_404(Task, pk=task_pk, household=household)
    services.complete_task(task, by=request.user)
    messages.success(
        request,
        _("« %(title)s » est fait. Une erreur ? Rouvrez-la depuis sa fiche : « %(link)s ».")
        % {"title": task.title, "link": _("Rouvrir ou corriger")},
    )
    nxt = request.POST.get("next", "")
    if nxt == "tasks":
        return redirect("accompagnement:tasks")
    return redirect(f"{household.get_absolute_url()}#task-{task.pk}")


@role_required(*DOSSIER_ROLES)
def task_edit(request, pk, task_pk):
    """One task: change or postpone it (why), mark it done with a note and its checklist, or reopen it."""
    household = _editable_or_403(request, get_object_or_404(_households(), pk=pk))
    task = get_object_or_404(Task.objects.select_related("owner"), pk=task_pk, household=household)
    edit_form = TaskEditForm(instance=task, prefix="edit")
    done_form = TaskDoneForm(task=task, prefix="done", initial={"done_note": task.done_note})
    if request.method == "POST":
        action = request.POST.get("action")
        if household.is_closed:
            messages.error(request, _("Ce suivi est terminé : ses tâches ne se modifient plus."))
            return redirect(household)
        if action == "edit":
            edit_form = TaskEditForm(request.POST, instance=Task.objects.get(pk=task.pk), prefix="edit")
            if edit_form.is_valid():
                services.change_task(
                    task,
                    title=edit_form.cleaned_data["title"],
                    due_date=edit_form.cleaned_data["due_date"],
                    reason=edit_form.cleaned_data["reason"],
                    by=request.user,
                )
                messages.success(request, _("Tâche « %(title)s » enregistrée.") % {"title": task.title})
                return redirect(f"{household.get_absolute_url()}#task-{task.pk}")
        elif action == "done":
            done_form = TaskDoneForm(request.POST, task=task, prefix="done")
            if done_form.is_valid():
                services.complete_task(
                    task,
                    by=request.user,
                    note=done_form.cleaned_data["done_note"],
                    checklist=done_form.checklist_answers(),
                )
                messages.success(request, _("« %(title)s » est fait.") % {"title": task.title})
                return redirect(f"{household.get_absolute_url()}#task-{task.pk}")
        elif action == "reopen":
            services.reopen_task(task, by=request.user)
            messages.success(request, _("« %(title)s » est rouverte.") % {"title": task.title})
            return redirect(f"{household.get_absolute_url()}#task-{task.pk}")
        else:
            messages.error(request, _("Choisissez ce que vous voulez faire de cette tâche."))
    return render_staff(
        request,
        "accompagnement/task_edit.html",
        {
            "household": household,
            "task": task,
            "edit_form": edit_form,
            "done_form": done_form,
            "log": task.log.select_related("by"),
            "today": timezone.localdate(),
        },
        status=400 if edit_form.errors or done_form.errors else 200,
    )


@role_required(*DOSSIER_ROLES)
def interaction_edit(request, pk, interaction_pk):
    """The author corrects their note within a day; the former text stays in the note's history."""
    household = _editable_or_403(request, get_object_or_404(_households(), pk=pk))
    interaction = get_object_or_404(Interaction, pk=interaction_pk, household=household)
    if not can_correct(interaction, request.user):
        raise PermissionDenied(
            _(
                "Seul·e l'auteur·rice d'une note peut la corriger, et seulement le jour qui suit sa saisie. "
                "Ajoutez plutôt une nouvelle note au fil du dossier."
            )
        )
    form = NoteCorrectionForm(request.POST or None, instance=interaction)
    if request.method == "POST" and form.is_valid():
        services.correct_note(interaction, form.cleaned_data["text"], by=request.user)
        record(request, Action.CHANGE, household, detail="note corrigée")
        messages.success(request, _("Note corrigée ; la version précédente reste dans son historique."))
        return redirect(f"{household.get_absolute_url()}#fil")
    return render_staff(
        request,
        "accompagnement/note_edit.html",
        {"household": household, "interaction": interaction, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(*DOSSIER_ROLES)
def pin_place(request, pk):
    household = _editable_or_403(request, get_object_or_404(Household, pk=pk))
    form = PinForm(request.POST)
    if form.is_valid():
        place = get_object_or_404(Place, pk=form.cleaned_data["place"])
        commune = Commune.objects.filter(pk=form.cleaned_data["commune"]).first()
        distance = None
        if commune and commune.latitude is not None and place.latitude is not None:
            distance = round(
                float(
                    nearby.haversine_km(
                        commune.latitude, commune.longitude, [place.latitude], [place.longitude]
                    )[0]
                ),
                1,
            )
        PinnedPlace.objects.get_or_create(
            household=household,
            place=place,
            defaults={"from_commune": commune, "distance_km": distance, "pinned_by": request.user},
        )
        record(request, Action.CHANGE, household, detail="lieu retenu")
        messages.success(request, _("« %(name)s » est retenu pour la famille.") % {"name": place.name})
    return redirect(f"{household.get_absolute_url()}?lieux=1#lieux")


@require_POST
@role_required(*DOSSIER_ROLES)
def unpin_place(request, pk, pin_pk):
    household = _editable_or_403(request, get_object_or_404(Household, pk=pk))
    PinnedPlace.objects.filter(pk=pin_pk, household=household).delete()
    messages.success(request, _("Lieu retiré du dossier."))
    return redirect(f"{household.get_absolute_url()}?lieux=1#lieux")


def _welcome_pack_context(request, household):
    from . import letters

    pinned = household.pinned_places.select_related("place__layer", "place__commune").defer(
        "place__commune__contour"
    )
    groups = {}
    for pin in pinned:
        groups.setdefault(pin.place.layer, []).append(pin)
    return {
        "household": household,
        "commune": household.main_commune,
        "groups": groups.items(),
        "sheets": _sheets_for(household, pinned),
        "advisors_email": settings.OSEZ_ADVISORS_EMAIL,
        "advisor": letters.advisor_contact(household, fallback=request.user),
        "service": letters.service_contact(),
        "today": timezone.localdate(),
    }


@role_required(*DOSSIER_ROLES)
def welcome_pack(request, pk):
    """The printable welcome pack: the family's commune, the places kept for them, their contacts."""
    household = _readable_or_403(request, get_object_or_404(_households(), pk=pk))
    record(request, Action.VIEW, household, detail="livret d'accueil")
    return render_staff(
        request, "accompagnement/welcome_pack.html", _welcome_pack_context(request, household)
    )


def _welcome_pack_html(request, household):
    from django.template.loader import render_to_string

    return render_to_string(
        "accompagnement/welcome_pack.html",
        {**_welcome_pack_context(request, household), "pdf": True},
        request,
    )


@role_required(*DOSSIER_ROLES)
def welcome_pack_pdf(request, pk):
    """The same welcome pack as a PDF (WeasyPrint), to download or attach to an e-mail."""
    from django.http import HttpResponse

    from . import letters

    household = _readable_or_403(request, get_object_or_404(_households(), pk=pk))
    record(request, Action.EXPORT, household, detail="livret d'accueil (PDF)")
    response = HttpResponse(
        letters.welcome_pack_pdf(_welcome_pack_html(request, household)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="livret-accueil-{household.reference}.pdf"'
    return response


@role_required(*DOSSIER_ROLES)
def send_letter(request, pk):
    """Write to the family from the dossier: a letter model, an optional personal word; kept in the history."""
    from . import letters
    from .forms import LetterForm

    household = _editable_or_403(request, get_object_or_404(_households(), pk=pk))
    form = LetterForm(
        request.POST if request.method == "POST" else None,
        household=household,
        initial={"letter": request.GET.get("courriel", "bienvenue")},
    )
    if request.method == "POST" and form.is_valid():
        letter = letters.LETTERS[form.cleaned_data["letter"]]
        pack_html = _welcome_pack_html(request, household) if letter.attach_pack else None
        letters.send_letter(
            household,
            letter,
            to=form.cleaned_data["to"],
            by=request.user,
            message=form.cleaned_data["message"],
            pack_html=pack_html,
        )
        record(request, Action.CHANGE, household, detail=f"courriel {letter.key}")
        messages.success(
            request,
            _("Courriel « %(l)s » envoyé à %(to)s.") % {"l": letter.label, "to": form.cleaned_data["to"]},
        )
        return redirect(f"{household.get_absolute_url()}#fil")
    return render_staff(
        request,
        "accompagnement/letter.html",
        {"household": household, "form": form, "advisor": letters.advisor_contact(household, request.user)},
        status=400 if form.errors else 200,
    )


# Sheet themes of the public site matching a dossier's needs and pinned places.
NEED_SHEET_THEMES = {
    Need.HOUSING: SheetTheme.HOUSING,
    Need.SCHOOL: SheetTheme.CHILDHOOD_SCHOOL,
    Need.CHILDCARE: SheetTheme.CHILDHOOD_SCHOOL,
    Need.DOCTOR: SheetTheme.HEALTH,
    Need.SPOUSE_JOB: SheetTheme.SPOUSE_JOB,
}
LAYER_SHEET_THEMES = {
    "ecole": SheetTheme.CHILDHOOD_SCHOOL,
    "petite_enfance": SheetTheme.CHILDHOOD_SCHOOL,
    "sante": SheetTheme.HEALTH,
}


def _sheets_for(household, pinned):
    """Published thematic sheets of the public site for the family's needs and pinned places."""
    themes = {NEED_SHEET_THEMES[n.kind] for n in household.needs.all() if n.kind in NEED_SHEET_THEMES}
    themes |= {
        LAYER_SHEET_THEMES[p.place.layer.theme] for p in pinned if p.place.layer.theme in LAYER_SHEET_THEMES
    }
    themes.add(SheetTheme.LOCAL_LIFE)
    return list(Sheet.objects.published().filter(theme__in=themes).order_by("theme", "order")[:12])


# --- Figures ----------------------------------------------------------------------------------------


@role_required(*FIGURES_ROLES)
def figures_page(request):
    """The direction's figures for the chosen period; every count published is « < 5 »-protected."""
    period = period_from_request(request)
    published = figures.publish(figures.compute(start=period.start, end=period.end))
    return render_staff(
        request,
        "accompagnement/figures.html",
        {
            "data": published,
            "period": period,
            "periods": period_choices(period),
            "hidden_note": hidden_note(),
        },
    )


@role_required(*FIGURES_ROLES)
def figures_csv(request):
    """What the page shows, as CSV: counts (« < 5 » included) and durations, never a name (audited)."""
    period = period_from_request(request)
    published = figures.publish(figures.compute(start=period.start, end=period.end))
    record(request, Action.EXPORT, None, detail=f"chiffres accompagnement (CSV, agrégés, {period.key})")
    return csv_response(
        f"osez-chiffres-{period.key}-{timezone.localdate():%Y-%m-%d}.csv",
        figures.published_csv_rows(published, period.label),
    )


def _marketing(request):
    period = period_from_request(request)
    qs = Household.objects.filter(merged_into__isnull=True)
    if period.start is not None:
        qs = qs.filter(created_at__date__gte=period.start, created_at__date__lte=period.end)
    return period, figures.publish_marketing(figures.marketing(qs))


@role_required(*FIGURES_ROLES)
def marketing_page(request):
    """Requests, arrivals and 12-month retention by channel and campaign (issue 17), « < 5 »-protected."""
    period, published = _marketing(request)
    return render_staff(
        request,
        "accompagnement/marketing.html",
        {
            "data": published,
            "period": period,
            "periods": period_choices(period),
            "hidden_note": hidden_note(),
        },
    )


@role_required(*FIGURES_ROLES)
def marketing_csv(request):
    """What the page shows, as CSV (formulas neutralised by csv_response); audited."""
    period, published = _marketing(request)
    record(request, Action.EXPORT, None, detail=f"chiffres campagnes (CSV, agrégés, {period.key})")
    return csv_response(
        f"osez-campagnes-{period.key}-{timezone.localdate():%Y-%m-%d}.csv",
        figures.marketing_csv_rows(published, period.label),
    )


# --- Intake and duplicates --------------------------------------------------------------------------


@role_required(*DOSSIER_ROLES)
def intake(request):
    """Open a dossier after a call, a fair or an e-mail (not the admin's raw form): assigned to its author."""
    import uuid

    from portail.models import CONSENT_TEXT_VERSION

    can_assign_others = has_role(request.user, roles.TEAM_LEAD)
    form = IntakeForm(
        request.POST or None,
        author=request.user,
        can_assign_others=can_assign_others,
        initial={"intake_key": uuid.uuid4(), "intake_channel": "telephone"},
    )
    if request.method == "POST" and form.is_valid():
        household, created = services.open_from_intake(
            form.cleaned_data, by=request.user, consent_text_version=CONSENT_TEXT_VERSION
        )
        if created:
            record(request, Action.CREATE, household, detail="ouverture après un échange")
            messages.success(request, _("Dossier %(ref)s ouvert.") % {"ref": household.reference})
        else:
            messages.info(
                request,
                _("Ce formulaire avait déjà été envoyé : voici le dossier %(ref)s qu'il a ouvert.")
                % {"ref": household.reference},
            )
        return redirect(household)
    return render_staff(request, "accompagnement/intake.html", {"form": form})


@role_required(*DOSSIER_ROLES)
def merge(request, pk):
    """Merge another dossier (``?autre=`` / POST ``other``) into this one, after a page saying what moves."""
    target = _editable_or_403(request, get_object_or_404(_households(), pk=pk))
    form = MergeForm(request.POST or {"other": request.GET.get("autre", "")})
    if not form.is_valid():
        messages.error(request, _("Choisissez le dossier à rattacher à celui-ci."))
        return redirect(target)
    source = get_object_or_404(_households(), pk=form.cleaned_data["other"])
    refusal = duplicates.merge_refusal(request.user, source, target)
    if refusal:
        raise PermissionDenied(refusal)
    if request.method == "POST":
        try:
            duplicates.merge(source, target, by=request.user)
        except duplicates.MergeRefused as error:
            raise PermissionDenied(str(error)) from None
        record(request, Action.CHANGE, target, detail=f"fusion de {source.reference}")
        record(request, Action.CHANGE, source, detail=f"fusionné dans {target.reference}")
        messages.success(
            request,
            _("Le dossier %(src)s est rattaché à %(dst)s ; il reste consultable, clos « sans suite ».")
            % {"src": source.reference, "dst": target.reference},
        )
        return redirect(target)
    counts = {
        _("adultes"): source.adults.count(),
        _("enfants"): source.children.count(),
        _("besoins"): source.needs.count(),
        _("tâches"): source.tasks.count(),
        _("échanges du fil"): source.interactions.count(),
        _("lieux retenus"): source.pinned_places.count(),
    }
    return render_staff(
        request,
        "accompagnement/merge.html",
        {"household": target, "source": source, "counts": counts, "form": form},
    )


# --- Team view (team leads) -------------------------------------------------------------------------


def _next_reminders_run():
    """When the beat schedule next sends the advisors' reminders (None when it cannot tell)."""
    from osez.celery import app

    entry = next(
        (e for e in app.conf.beat_schedule.values() if e.get("task") == "accompagnement.send_reminders"), None
    )
    if entry is None:
        return None
    try:
        now = timezone.localtime()
        due = now + entry["schedule"].remaining_estimate(now)
        return (due + datetime.timedelta(seconds=30)).replace(second=0, microsecond=0)  # 07:29:59.9 → 07:30
    except (AttributeError, TypeError, ValueError):
        return None


@role_required(roles.TEAM_LEAD)
def team(request):
    """The team lead's view: workload per advisor, dossiers by stage, unassigned queue, overdue tasks,
    bulk reassignment, and when the reminders last ran and run next."""
    from osez.models import JobRun

    from .forms import BulkReassignForm
    from .tasks import REMINDERS_JOB

    today = timezone.localdate()
    advisors = list(roles.users_with_role(roles.ADVISOR, roles.TEAM_LEAD).order_by("first_name", "username"))
    open_stages = [s for s in Stage if s != Stage.CLOSED]
    by_stage = {}
    for advisor_id, stage, n in (
        Household.objects.open()
        .filter(merged_into__isnull=True)
        .values_list("advisor_id", "stage")
        .annotate(n=Count("pk"))
    ):
        by_stage[(advisor_id, stage)] = n
    open_tasks = Task.objects.open().exclude(household__stage=Stage.CLOSED)
    task_counts = {
        row["owner_id"]: row
        for row in open_tasks.values("owner_id").annotate(
            n=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today))
        )
    }
    rows = []
    for advisor in [*advisors, None]:
        key = advisor.pk if advisor else None
        counts = [by_stage.get((key, stage), 0) for stage in open_stages]
        tasks = task_counts.get(key, {})
        rows.append(
            {
                "advisor": advisor,
                "stages": counts,
                "total": sum(counts),
                "open_tasks": tasks.get("n", 0),
                "overdue": tasks.get("late", 0),
            }
        )
    overdue_filter = request.GET.get("conseiller", "")
    overdue = open_tasks.filter(due_date__lt=today).select_related("household", "owner").order_by("due_date")
    if overdue_filter.isdigit():
        overdue = overdue.filter(owner_id=int(overdue_filter))
    overdue = list(overdue[:200])
    for task in overdue:
        task.late_days = (today - task.due_date).days

    source_filter = request.GET.get("de", "")
    candidates = _households().open().filter(merged_into__isnull=True).order_by("reference")
    if source_filter.isdigit():
        candidates = candidates.filter(advisor_id=int(source_filter))
    else:
        candidates = candidates.filter(advisor__isnull=True)
    form = BulkReassignForm(request.POST if request.method == "POST" else None, dossiers=candidates)
    if request.method == "POST":
        if form.is_valid():
            chosen = list(form.cleaned_data["dossiers"])
            moved = services.bulk_reassign(chosen, form.cleaned_data["advisor"], by=request.user)
            for household in chosen:
                record(request, Action.CHANGE, household, detail="réattribution groupée")
            messages.success(
                request,
                _("%(n)d dossier(s) confiés à %(name)s.")
                % {
                    "n": moved,
                    "name": form.cleaned_data["advisor"].get_full_name() or form.cleaned_data["advisor"],
                },
            )
            return redirect(f"{request.path}?de={source_filter}")
        messages.error(request, _("Rien n'a été réattribué : voyez les champs signalés."))
    last_run = JobRun.objects.filter(name=REMINDERS_JOB).order_by("-started_at").first()
    return render_staff(
        request,
        "accompagnement/team.html",
        {
            "rows": rows,
            "stages": open_stages,
            "unassigned": _triage(request),
            "overdue": overdue,
            "overdue_filter": overdue_filter,
            "advisors": advisors,
            "form": form,
            "source_filter": source_filter,
            "candidates": form.fields["dossiers"].queryset,
            "chosen": request.POST.getlist("dossiers"),
            "chosen_advisor": request.POST.get("advisor", ""),
            "last_run": last_run,
            "next_run": _next_reminders_run(),
            "today": today,
        },
        status=400 if form.errors else 200,
    )
