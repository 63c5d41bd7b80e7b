"""A candidate: opening the follow-up, the profile, the candidate's page with its timeline, stage moves, consent."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompagnement.enums import Need, NeedState
from accompagnement.models import Household, HouseholdNeed
from osez.audit import Action, record
from osez.locking import StaleVersionError
from osez.roles import role_required
from osez.staff import render_staff
from osez.state_machine import TransitionRefused

from .. import consent as consent_text
from .. import services, stages, suggestions, timeline
from ..enums import ContractType, Stage
from ..forms import (
    CandidateForm,
    ConsentForm,
    CVUploadForm,
    MoveForm,
    WithdrawConsentForm,
    adults_who_may_be_followed,
)
from ..models import Candidate
from .access import HR, back_to, candidate_or_404


@role_required(*HR)
def open_from_need(request, need_pk):
    """From a dossier's spouse-job need: the follow-up already opened, or the form to open it."""
    need = get_object_or_404(
        HouseholdNeed.objects.select_related("household"), pk=need_pk, kind=Need.SPOUSE_JOB
    )
    household = need.household
    existing = Candidate.objects.filter(adult__household=household).order_by("pk").first()
    if existing is not None:
        return redirect("emploi_conjoint:candidate", pk=existing.pk)
    if household.is_closed:
        messages.error(
            request,
            _("Le dossier %(ref)s est terminé : on n'ouvre pas de suivi emploi pour un dossier clos.")
            % {"ref": household.reference},
        )
        return redirect("emploi_conjoint:board")
    if need.state == NeedState.NOT_APPLICABLE:
        messages.error(
            request,
            _(
                "Dans le dossier %(ref)s, le besoin « Emploi du conjoint » est marqué sans objet : "
                "demandez à la conseillère ou au conseiller de le rouvrir avant d'ouvrir un suivi."
            )
            % {"ref": household.reference},
        )
        return redirect("emploi_conjoint:board")
    return redirect(f"{reverse('emploi_conjoint:candidate-create')}?dossier={household.pk}")


def _household_from_query(request):
    raw = request.GET.get("dossier") or request.POST.get("dossier") or ""
    if not raw.isdigit():
        return None
    return Household.objects.filter(pk=int(raw)).first()


@role_required(*HR)
def candidate_create(request):
    household = _household_from_query(request)
    initial = {"hr_specialist": request.user.pk}
    if household is not None:
        adults = list(adults_who_may_be_followed(household))
        seeking = [a for a in adults if a.is_spouse_seeking_job] or adults
        if seeking:
            initial["adult"] = seeking[0].pk
    form = CandidateForm(request.POST or None, initial=initial, household=household)
    if request.method == "POST" and form.is_valid():
        candidate = form.save(commit=False)
        stages.open_candidate(candidate, by=request.user)
        record(request, Action.CREATE, candidate)
        messages.success(
            request, _("Le suivi de %(name)s est ouvert, à l'étape « Accueil ».") % {"name": candidate}
        )
        return redirect("emploi_conjoint:candidate", pk=candidate.pk)
    return render_staff(
        request, "emploi_conjoint/candidate_form.html", {"title": _("Nouveau suivi emploi"), "form": form}
    )


@role_required(*HR)
def candidate_edit(request, pk):
    candidate = candidate_or_404(pk)
    form = CandidateForm(request.POST or None, instance=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleVersionError:
            pass  # the form now carries the conflict screen (osez/locking.py); what was typed is kept
        else:
            record(
                request,
                Action.CHANGE,
                candidate,
                detail="par-dessus une version plus récente" if form.overwrote else "",
            )
            messages.success(request, _("Profil enregistré."))
            return redirect("emploi_conjoint:candidate", pk=candidate.pk)
    return render_staff(
        request,
        "emploi_conjoint/candidate_form.html",
        {"title": _("Profil de %(name)s") % {"name": candidate}, "form": form, "candidate": candidate},
    )


@role_required(*HR)
def candidate_detail(request, pk):
    candidate = candidate_or_404(pk)
    record(request, Action.VIEW, candidate)
    possible = stages.possible_moves(candidate)
    return render_staff(
        request,
        "emploi_conjoint/candidate_detail.html",
        {
            "title": str(candidate),
            "candidate": candidate,
            "timeline": timeline.build(candidate),
            "durations": stages.stage_durations(candidate),
            "moves": [(s, Stage(s).label) for s in possible],
            "other_moves": [(s.value, s.label) for s in Stage if s != candidate.stage and s not in possible],
            "next_hint": stages.next_step_hint(candidate),
            "cv_versions": candidate.cv_versions.select_related("uploaded_by"),
            "cv_form": CVUploadForm(),
            "introductions": candidate.introductions.select_related("organisation", "opportunity"),
            "suggestions": suggestions.for_candidate(candidate),
            "wished_jobs": suggestions.wished_jobs(candidate),
            "avoids_nights": suggestions.avoids_nights(candidate),
            "consent": candidate.current_consent,
            "contract_labels": ", ".join(
                str(ContractType(c).label) for c in candidate.contract_types if c in ContractType.values
            ),
            "today": timezone.localdate(),
        },
    )


@role_required(*HR)
@require_POST
def candidate_move(request, pk):
    candidate = candidate_or_404(pk)
    form = MoveForm(request.POST)
    back = back_to(request.POST.get("next"), reverse("emploi_conjoint:board"))
    if not form.is_valid():
        messages.error(request, _("Choisissez une étape dans la liste."))
        return redirect(back)
    target = form.cleaned_data["target"]
    try:
        stages.move(
            candidate,
            target,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_stage=form.cleaned_data["expected_stage"] or None,
        )
    except TransitionRefused as refused:
        messages.error(
            request, _("%(name)s n'a pas changé d'étape : %(why)s") % {"name": candidate, "why": refused}
        )
        return redirect(back)
    record(request, Action.CHANGE, candidate, detail=f"étape → {target}")
    messages.success(
        request,
        _("%(name)s est maintenant à l'étape « %(stage)s ».")
        % {"name": candidate, "stage": Stage(target).label},
    )
    return redirect(back)


@role_required(*HR)
def consent(request, pk):
    candidate = candidate_or_404(pk)
    form = ConsentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(
                candidate,
                by=request.user,
                given_on=form.cleaned_data["given_on"],
                proof=form.cleaned_data.get("proof"),
            )
        except services.ConsentRefused as refused:
            messages.error(request, str(refused))
        else:
            record(request, Action.CREATE, candidate, detail=f"consentement v{consent_text.CURRENT_VERSION}")
            messages.success(
                request, _("Consentement enregistré : le CV peut désormais être présenté aux entreprises.")
            )
        return redirect("emploi_conjoint:candidate", pk=candidate.pk)
    return render_staff(
        request,
        "emploi_conjoint/consent.html",
        {
            "title": _("Consentement de %(name)s") % {"name": candidate},
            "candidate": candidate,
            "active": candidate.current_consent,
            "form": form,
            "text": consent_text.TEXT,
            "version": consent_text.CURRENT_VERSION,
        },
    )


@role_required(*HR)
def consent_withdraw(request, pk):
    """Withdrawal in two steps: what it will do (pause, follow-ups cancelled), then the confirmation."""
    candidate = candidate_or_404(pk)
    if candidate.current_consent is None:
        messages.error(request, _("Il n'y a pas de consentement actif à retirer."))
        return redirect("emploi_conjoint:candidate", pk=candidate.pk)
    form = WithdrawConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = services.withdraw_consent(candidate, by=request.user, reason=form.cleaned_data["reason"])
        record(request, Action.CHANGE, candidate, detail="consentement retiré")
        parts = [_("Consentement retiré : plus aucune mise en relation n'est possible.")]
        if done and done["paused"]:
            parts.append(_("Le suivi est en pause."))
        if done and done["cancelled"]:
            parts.append(_("%(n)s relance(s) annulée(s).") % {"n": len(done["cancelled"])})
        messages.success(request, " ".join(parts))
        return redirect("emploi_conjoint:candidate", pk=candidate.pk)
    return render_staff(
        request,
        "emploi_conjoint/consent_withdraw.html",
        {
            "title": _("Retrait du consentement de %(name)s") % {"name": candidate},
            "candidate": candidate,
            "form": form,
            "consequences": services.withdrawal_consequences(candidate),
        },
    )
