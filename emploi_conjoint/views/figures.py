"""The pipeline's figures for the team and marketing: counts and durations only, never a name."""

from django.utils.translation import gettext as _

from osez.audit import Action, record
from osez.exports import csv_response
from osez.figures import hidden_note, period_choices, period_from_request
from osez.roles import role_required
from osez.staff import render_staff

from .. import figures as pipeline_figures
from .access import FIGURES


@role_required(*FIGURES)
def figures(request):
    period = period_from_request(request)
    published = pipeline_figures.publish(pipeline_figures.compute(start=period.start, end=period.end))
    return render_staff(
        request,
        "emploi_conjoint/figures.html",
        {
            "title": _("Chiffres de l'emploi du conjoint"),
            "f": published,
            "period": period,
            "periods": period_choices(period),
            "hidden_note": hidden_note(),
        },
    )


@role_required(*FIGURES)
def figures_csv(request):
    period = period_from_request(request)
    published = pipeline_figures.publish(pipeline_figures.compute(start=period.start, end=period.end))
    record(
        request, Action.EXPORT, None, detail=f"chiffres emploi du conjoint (agrégés, sans nom, {period.key})"
    )
    return csv_response(
        f"emploi-conjoint-chiffres-{period.key}.csv",
        pipeline_figures.published_csv_rows(published, period.label),
    )
