"""The pipeline's figures for the team and marketing: counts and durations only, never a name."""

from django.utils.translation import gettext as _

from osez.audit import Action, record
from osez.exports import csv_response
from osez.roles import role_required
from osez.staff import render_staff

from .. import figures as pipeline_figures
from .access import FIGURES


@role_required(*FIGURES)
def figures(request):
    return render_staff(
        request,
        "emploi_conjoint/figures.html",
        {"title": _("Chiffres de l'emploi du conjoint"), "f": pipeline_figures.compute()},
    )


@role_required(*FIGURES)
def figures_csv(request):
    data = pipeline_figures.compute()
    record(request, Action.EXPORT, None, detail="chiffres emploi du conjoint (agrégés, sans nom)")
    return csv_response("emploi-conjoint-chiffres.csv", pipeline_figures.csv_rows(data))
