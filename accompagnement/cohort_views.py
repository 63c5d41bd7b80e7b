"""Group arrivals (issue 17, part 3): the groups, a board of where each household stands, the group's
figures (« < 5 » rule), and households imported from a CSV file with a preview first."""

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from osez import roles
from osez.csv_import import CsvFileForm, kept_upload, preview_upload
from osez.exports import csv_response
from osez.figures import hidden_note, protect
from osez.roles import role_required
from osez.staff import render_staff
from partenaires.models import partner_organisations

from . import cohort_import, services
from .enums import Stage
from .models import Cohort, Household

COHORT_ROLES = (roles.ADVISOR, roles.TEAM_LEAD)
IMPORT_SESSION_KEY = "accompagnement_cohort_import"


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "organisation", "programme", "expected_on"]
        widgets = {"expected_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partner_organisations()


class CohortImportForm(CsvFileForm):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV des familles"),
        help_text=gettext_lazy(
            "Une ligne par famille. Colonnes : nom, prenom, courriel, telephone, adultes, enfants (années de "
            "naissance), arrivee (JJ/MM/AAAA), vient_de. Séparateur point-virgule ou virgule."
        ),
    )
    max_bytes = cohort_import.MAX_BYTES
    too_big = gettext_lazy("Le fichier dépasse 1 Mo : découpez-le en plusieurs fichiers.")


@role_required(*COHORT_ROLES)
def cohort_list(request):
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = form.save(commit=False)
        cohort.created_by = request.user
        cohort.save()
        messages.success(request, _("Le groupe « %(name)s » est créé.") % {"name": cohort.name})
        return redirect("accompagnement:cohort", pk=cohort.pk)
    cohorts = Cohort.objects.select_related("organisation").annotate(n=Count("households"))
    return render_staff(
        request,
        "accompagnement/cohorts.html",
        {"title": _("Arrivées en groupe"), "cohorts": cohorts, "form": form},
    )


def _board(request, cohort):
    households = list(
        cohort.households.only("pk", "reference", "stage", "advisor_id", "arrival_date").order_by("reference")
    )
    readable = set(
        Household.objects.editable_by(request.user).filter(cohort=cohort).values_list("pk", flat=True)
    )
    columns = []
    for stage in Stage:
        cards = [h for h in households if h.stage == stage]
        columns.append(
            {"stage": stage, "cards": [h for h in cards if h.pk in readable], "others": len(cards) - sum(
                1 for h in cards if h.pk in readable
            )}
        )  # fmt: skip
    cells, total = protect([(stage.label, sum(h.stage == stage for h in households)) for stage in Stage])
    return columns, cells, total


@role_required(*COHORT_ROLES)
def cohort_detail(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("organisation"), pk=pk)
    columns, cells, total = _board(request, cohort)
    return render_staff(
        request,
        "accompagnement/cohort.html",
        {
            "title": cohort.name,
            "cohort": cohort,
            "columns": columns,
            "cells": cells,
            "total": total,
            "hidden_note": hidden_note(),
        },
    )


@role_required(*COHORT_ROLES)
def cohort_figures_csv(request, pk):
    cohort = get_object_or_404(Cohort, pk=pk)
    _columns, cells, total = _board(request, cohort)
    rows = [[_("Étape"), _("Familles")]] + [[label, str(count)] for label, count in cells]
    rows.append([_("Total"), str(total)])
    return csv_response(f"groupe-{cohort.pk}-etapes.csv", rows)


@role_required(*COHORT_ROLES)
def cohort_import_view(request, pk):
    """Step 1: upload and preview (nothing written). Step 2: confirm, and the kept file is imported."""
    cohort = get_object_or_404(Cohort, pk=pk)
    key = f"{IMPORT_SESSION_KEY}_{cohort.pk}"
    form, result = CohortImportForm(), None
    if request.method == "POST" and "confirm" in request.POST:
        text = kept_upload(request, key)
        if not text:
            return redirect("accompagnement:cohort-import", pk=cohort.pk)
        result = cohort_import.preview(text)  # checked again: dossiers may have opened since
        opened = services.import_cohort(cohort, result, by=request.user)
        del request.session[key]
        messages.success(
            request,
            _("Import terminé : %(opened)s dossier(s) ouvert(s), %(rejected)s ligne(s) écartée(s).")
            % {"opened": opened, "rejected": len(result.rejected)},
        )
        return redirect("accompagnement:cohort", pk=cohort.pk)
    if request.method == "POST":
        form = CohortImportForm(request.POST, request.FILES)
        result = preview_upload(request, form, cohort_import.preview, key)
    return render_staff(
        request,
        "accompagnement/cohort_import.html",
        {"title": _("Importer les familles du groupe « %(name)s »") % {"name": cohort.name}, "cohort": cohort,
         "form": form, "preview": result},
    )  # fmt: skip
