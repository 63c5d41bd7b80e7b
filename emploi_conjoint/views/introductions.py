"""Introductions of a candidate to companies and recruiters, their outcomes, and "Mes relances"."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from osez.audit import Action, record
from osez.roles import role_required
from osez.staff import render_staff
from osez.state_machine import TransitionRefused

from .. import services
from ..forms import IntroductionForm, StepForm
from ..models import Introduction
from .access import HR, back_to, candidate_or_404


@role_required(*HR)
def introduction_create(request, pk):
    candidate = candidate_or_404(pk)
    initial = {"date": timezone.localdate()}
    if request.GET.get("offre"):
        initial["opportunity"] = request.GET["offre"]
    form = IntroductionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intro = services.introduce(
                candidate,
                organisation=data["organisation"],
                opportunity=data.get("opportunity"),
                by=request.user,
                date=data["date"],
                channel=data["channel"],
                next_follow_up=data.get("next_follow_up"),
                notes=data.get("notes", ""),
            )
        except services.IntroductionRefused as refused:
            form.add_error(None, str(refused))
        else:
            record(request, Action.CREATE, intro)
            messages.success(
                request, _("Mise en relation enregistrée avec %(org)s.") % {"org": intro.organisation}
            )
            return redirect("emploi_conjoint:candidate", pk=candidate.pk)
    return render_staff(
        request,
        "emploi_conjoint/introduction_form.html",
        {
            "title": _("Mettre %(name)s en relation") % {"name": candidate},
            "candidate": candidate,
            "form": form,
        },
    )


@role_required(*HR)
def introduction_update(request, pk):
    """The introduction's history of steps, and the form that adds the next one (nothing is overwritten)."""
    intro = get_object_or_404(Introduction.objects.select_related("candidate__adult", "organisation"), pk=pk)
    form = StepForm(
        request.POST or None, introduction=intro, initial={"next_follow_up": intro.next_follow_up}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            step = services.add_step(
                intro,
                kind=data["kind"],
                by=request.user,
                date=data["date"],
                contact=data.get("contact"),
                new_contact_name=data.get("new_contact_name", ""),
                outcome=data.get("outcome", ""),
                reason=data.get("reason", ""),
                note=data.get("note", ""),
                next_follow_up=data.get("next_follow_up"),
            )
        except services.StepRefused as refused:
            form.add_error(refused.field, str(refused))
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            record(request, Action.CHANGE, intro, detail=f"étape {step.kind}")
            messages.success(
                request, _("Étape « %(kind)s » ajoutée à l'historique.") % {"kind": step.get_kind_display()}
            )
            return redirect(
                back_to(
                    request.POST.get("next"),
                    reverse("emploi_conjoint:introduction-update", kwargs={"pk": intro.pk}),
                )
            )
    return render_staff(
        request,
        "emploi_conjoint/introduction_update.html",
        {
            "title": _("Mise en relation : %(intro)s") % {"intro": intro},
            "intro": intro,
            "steps": intro.steps.select_related("contact", "by"),
            "form": form,
            "next": request.GET.get("next", ""),
        },
    )


@role_required(*HR)
def follow_ups(request):
    due = Introduction.objects.due().for_user(request.user).distinct()
    return render_staff(
        request,
        "emploi_conjoint/follow_ups.html",
        {"title": _("Mes relances"), "due": due, "today": timezone.localdate()},
    )
