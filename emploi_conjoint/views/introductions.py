"""Introductions of a candidate to companies and recruiters, their outcomes, and "Mes relances"."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from osez.audit import Action, record
from osez.roles import role_required
from osez.staff import render_staff

from .. import services
from ..forms import IntroductionForm, OutcomeForm
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
    intro = get_object_or_404(Introduction.objects.select_related("candidate__adult", "organisation"), pk=pk)
    form = OutcomeForm(request.POST or None, instance=intro)
    if request.method == "POST" and form.is_valid():
        services.record_outcome(
            intro,
            outcome=form.cleaned_data["outcome"],
            next_follow_up=form.cleaned_data["next_follow_up"],
            notes=form.cleaned_data["notes"],
        )
        record(request, Action.CHANGE, intro, detail=f"résultat {intro.outcome}")
        messages.success(request, _("Mise en relation mise à jour."))
        return redirect(
            back_to(
                request.POST.get("next"),
                reverse("emploi_conjoint:candidate", kwargs={"pk": intro.candidate_id}),
            )
        )
    return render_staff(
        request,
        "emploi_conjoint/introduction_update.html",
        {
            "title": _("Suite de la mise en relation : %(intro)s") % {"intro": intro},
            "intro": intro,
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
