"""Companies and recruitment agencies of the network, and their import from a CSV file (preview first)."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accompagnement.models import Organisation
from osez.exports import csv_response
from osez.roles import role_required
from osez.staff import render_staff

from .. import organisations_import
from ..forms import PARTNER_KINDS, OrganisationForm, OrganisationImportForm
from .access import HR

IMPORT_SESSION_KEY = "emploi_conjoint_import"


@role_required(*HR)
def organisation_list(request):
    qs = (
        Organisation.objects.filter(kind__in=PARTNER_KINDS)
        .select_related("commune")
        .defer("commune__contour")
        .prefetch_related(Prefetch("contacts"))
        .annotate(
            n_intros=Count("introductions", distinct=True), n_offers=Count("opportunities", distinct=True)
        )
    )
    kind = request.GET.get("type", "")
    if kind in PARTNER_KINDS:
        qs = qs.filter(kind=kind)
    club = request.GET.get("club", "").strip()
    if club:
        qs = qs.filter(business_club__icontains=club)
    return render_staff(
        request,
        "emploi_conjoint/organisation_list.html",
        {
            "title": _("Employeurs, institutions publiques et cabinets de recrutement"),
            "organisations": qs,
            "kind": kind,
            "club": club,
        },
    )


@role_required(*HR)
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(request, _("%(name)s est ajoutée au réseau.") % {"name": organisation})
        return redirect("emploi_conjoint:organisations")
    return render_staff(
        request,
        "emploi_conjoint/organisation_form.html",
        {"title": _("Ajouter un employeur, une institution ou un cabinet"), "form": form},
    )


@role_required(*HR)
def organisation_import_template(request):
    """An example file to fill in, with the expected columns (the organisation in it is fictional)."""
    return csv_response(
        "modele-import-entreprises.csv",
        [
            ["nom", "type", "siret", "naf", "secteur", "code_insee", "effectif", "club", "site_web"],
            ["Entreprise exemple (fictive)", "employeur", "73282932000074", "62.01Z", "informatique", "10387",
             "10-49", "Club des entreprises", "https://exemple.fr"],
        ],
    )  # fmt: skip


@role_required(*HR)
def organisation_import(request):
    """Step 1: upload and preview (nothing written). Step 2: confirm, and the kept file is imported."""
    preview = None
    form = OrganisationImportForm()
    if request.method == "POST" and "confirm" in request.POST:
        text = request.session.get(IMPORT_SESSION_KEY)
        if not text:
            messages.error(request, _("L'aperçu a expiré : envoyez le fichier à nouveau."))
            return redirect("emploi_conjoint:organisation-import")
        # Validate again: organisations may have changed since the preview.
        result = organisations_import.preview(text)
        created, updated = organisations_import.apply(result)
        del request.session[IMPORT_SESSION_KEY]
        messages.success(
            request,
            _(
                "Import terminé : %(created)s organisation(s) créée(s), %(updated)s mise(s) à jour, %(rejected)s ligne(s) écartée(s)."
            )
            % {"created": created, "updated": updated, "rejected": len(result.rejected)},
        )
        return redirect("emploi_conjoint:organisations")
    if request.method == "POST":
        form = OrganisationImportForm(request.POST, request.FILES)
        if form.is_valid():
            text = organisations_import.decode(form.cleaned_data["file"].read())
            preview = organisations_import.preview(text)
            if preview.valid and not preview.header_error:
                request.session[IMPORT_SESSION_KEY] = text
    return render_staff(
        request,
        "emploi_conjoint/organisation_import.html",
        {"title": _("Importer des entreprises depuis un fichier CSV"), "form": form, "preview": preview},
    )
