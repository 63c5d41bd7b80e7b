"""The advisors' purpose-built pages: home, my tasks, the dossier and its timeline, the welcome pack,
and the figures for the direction. Every page checks the role; reads, writes and exports are audited."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
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
from osez.locking import STALE_MESSAGE, StaleVersionError, lock_refusal
from osez.roles import has_role, role_required
from osez.staff import render_staff
from osez.state_machine import TransitionRefused
from portail.models import Sheet, SheetTheme

from . import figures, nearby, services, stages, timeline
from .enums import Need, Outcome, Stage
from .forms import (
    AddNeedForm,
    AdultFormSet,
    ChildFormSet,
    HouseholdForm,
    InteractionForm,
    NeedForm,
    PinForm,
    TaskForm,
    TransitionForm,
)
from .models import Household, HouseholdNeed, PinnedPlace, Task
from .panels import dossier_panels

DOSSIER_ROLES = (roles.ADVISOR, roles.TEAM_LEAD)
HOME_ROLES = (roles.ADVISOR, roles.TEAM_LEAD, roles.HR, roles.MARKETING)
FIGURES_ROLES = (roles.ADVISOR, roles.TEAM_LEAD, roles.MARKETING)


def _households():
    # A commune row carries its contour (heavy GeoJSON): never load it for these pages.
    return Household.objects.select_related("advisor", "commune_chosen", "referrer").defer(
        "commune_chosen__contour"
    )


def _editable_or_403(request, household):
    if not request.user.has_perm("accompagnement.edit_dossier", household):
        raise PermissionDenied
    return household


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
        "unassigned": _households().unassigned().prefetch_related("needs")[:50],
        "tasks": tasks,
        "today": today,
        "is_lead": has_role(user, roles.TEAM_LEAD),
        "team_open": _households().open().exclude(advisor=user).count(),
    }
    return render_staff(request, "accompagnement/home.html", context)


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
    }
    return render_staff(request, "accompagnement/tasks.html", context)


# --- The dossier ------------------------------------------------------------------------------------


@role_required(*DOSSIER_ROLES, roles.HR)
def dossier(request, pk):
    household = get_object_or_404(_households(), pk=pk)
    user = request.user
    if not user.has_perm("accompagnement.read_dossier", household):
        if not user.has_perm("accompagnement.read_dossier_summary", household):
            raise PermissionDenied
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


def _dossier_context(request, household, **overrides):
    can_edit = request.user.has_perm("accompagnement.edit_dossier", household)
    nxt = stages.next_stage(household.stage)
    pinned_ids = set(household.pinned_places.values_list("place_id", flat=True))
    context = {
        "household": household,
        "can_edit": can_edit,
        "adults": household.adults.all(),
        "children": household.children.all(),
        "needs": _need_forms(household),
        "add_need_form": AddNeedForm(),
        "tasks": household.tasks.select_related("owner").order_by("done_at", "due_date"),
        "task_form": TaskForm(),
        "interaction_form": InteractionForm(),
        "events": timeline.build(household),
        "next_stage": nxt if nxt and not household.is_closed else None,
        "next_stage_help": stages.STAGE_HELP.get(nxt, ""),
        "transition_form": TransitionForm(initial={"to_stage": nxt, "arrival_date": household.arrival_date}),
        "close_form": TransitionForm(initial={"to_stage": Stage.CLOSED}),
        "outcomes": Outcome.choices,
        "stages": [(s, s == household.stage) for s in Stage],
        "nearby": nearby.nearby_for_household(household),
        "pinned": household.pinned_places.select_related("place__layer", "place__commune").defer(
            "place__commune__contour"
        ),
        "pinned_ids": pinned_ids,
        "communes_considered": household.communes_considered.defer("contour"),
        "Stage": Stage,
        "panels": dossier_panels(request, household),
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
            except StaleVersionError:
                # The form already carries the error; everything typed is shown again.
                messages.error(request, STALE_MESSAGE)
            else:
                record(request, Action.CHANGE, household)
                messages.success(request, _("Dossier enregistré."))
                return redirect(household)
        elif refusal := lock_refusal(form):
            messages.error(request, refusal)
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
            request, _("Changement d'étape incomplet : %(errors)s") % {"errors": form.errors.as_text()}
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
    form = InteractionForm(request.POST)
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
    household = _editable_or_403(request, get_object_or_404(Household, pk=pk))
    task = get_object_or_404(Task, pk=task_pk, household=household)
    services.complete_task(task, by=request.user)
    messages.success(request, _("« %(title)s » est fait.") % {"title": task.title})
    nxt = request.POST.get("next", "")
    if nxt == "tasks":
        return redirect("accompagnement:tasks")
    return redirect(household)


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
    return redirect(f"{household.get_absolute_url()}#lieux")


@require_POST
@role_required(*DOSSIER_ROLES)
def unpin_place(request, pk, pin_pk):
    household = _editable_or_403(request, get_object_or_404(Household, pk=pk))
    PinnedPlace.objects.filter(pk=pin_pk, household=household).delete()
    messages.success(request, _("Lieu retiré du dossier."))
    return redirect(f"{household.get_absolute_url()}#lieux")


@role_required(*DOSSIER_ROLES)
def welcome_pack(request, pk):
    """The printable welcome pack: the family's commune, the places kept for them, their contacts."""
    household = get_object_or_404(_households(), pk=pk)
    if not request.user.has_perm("accompagnement.read_dossier", household):
        raise PermissionDenied
    record(request, Action.VIEW, household, detail="livret d'accueil")
    pinned = household.pinned_places.select_related("place__layer", "place__commune").defer(
        "place__commune__contour"
    )
    groups = {}
    for pin in pinned:
        groups.setdefault(pin.place.layer, []).append(pin)
    return render_staff(
        request,
        "accompagnement/welcome_pack.html",
        {
            "household": household,
            "commune": household.main_commune,
            "groups": groups.items(),
            "sheets": _sheets_for(household, pinned),
            "advisors_email": settings.OSEZ_ADVISORS_EMAIL,
            "today": timezone.localdate(),
        },
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
