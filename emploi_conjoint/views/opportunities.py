"""Job openings passed on by partners, each with the candidates it may suit."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from osez.audit import Action, record
from osez.roles import role_required
from osez.staff import render_staff

from .. import suggestions
from ..forms import OpportunityForm
from ..models import Opportunity
from .access import HR


@role_required(*HR)
def opportunity_list(request):
    show_closed = request.GET.get("toutes") == "1"
    qs = Opportunity.objects.with_places().annotate(n_intros=Count("introductions"))
    if not show_closed:
        qs = qs.open()
    return render_staff(
        request,
        "emploi_conjoint/opportunity_list.html",
        {
            "title": _("Offres d'emploi transmises par les partenaires"),
            "opportunities": qs,
            "show_closed": show_closed,
        },
    )


@role_required(*HR)
def opportunity_create(request):
    form = OpportunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offer = form.save(commit=False)
        offer.created_by = request.user
        offer.save()
        record(request, Action.CREATE, offer)
        messages.success(request, _("Offre enregistrée : voici les personnes à qui elle peut convenir."))
        return redirect("emploi_conjoint:opportunity", pk=offer.pk)
    return render_staff(
        request,
        "emploi_conjoint/opportunity_form.html",
        {"title": _("Nouvelle offre d'emploi"), "form": form},
    )


@role_required(*HR)
def opportunity_edit(request, pk):
    offer = get_object_or_404(Opportunity, pk=pk)
    form = OpportunityForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(request, Action.CHANGE, offer)
        messages.success(request, _("Offre mise à jour."))
        return redirect("emploi_conjoint:opportunity", pk=offer.pk)
    return render_staff(
        request,
        "emploi_conjoint/opportunity_form.html",
        {"title": _("Modifier l'offre « %(title)s »") % {"title": offer}, "form": form},
    )


@role_required(*HR)
def opportunity_detail(request, pk):
    offer = get_object_or_404(Opportunity.objects.with_places(), pk=pk)
    return render_staff(
        request,
        "emploi_conjoint/opportunity_detail.html",
        {
            "title": offer.title,
            "offer": offer,
            "suggestions": suggestions.for_opportunity(offer),
            "introductions": offer.introductions.select_related("candidate__adult"),
        },
    )
