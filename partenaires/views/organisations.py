"""Staff pages of the partner organisations: list, page, add, CSV import with a preview first.

Moved from the HR workspace (issue 15): installation advisors, team leads and HR specialists all work
with the same employers, institutions and recruiters.
"""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from osez import roles
from osez.csv_import import kept_upload, preview_upload
from osez.exports import csv_response
from osez.roles import role_required
from osez.staff import render_staff

from .. import organisations_import, registry
from ..enums import PARTNER_KINDS
from ..forms import OrganisationForm, OrganisationImportForm
from ..models import Organisation

PARTNER_ROLES = (roles.ADVISOR, roles.TEAM_LEAD, roles.HR)
IMPORT_SESSION_KEY = "partenaires_import"


def _with_counts(qs):
    return qs.annotate(**{f"n_{c.key}": Count(c.relation, distinct=True) for c in registry.counts()})


@role_required(*PARTNER_ROLES)
def organisation_list(request):
    qs = _with_counts(
        Organisation.objects.filter(kind__in=PARTNER_KINDS)
        .select_related("commune")
        .defer("commune__contour")
        .prefetch_related(Prefetch("contacts"))
    )
    kind = request.GET.get("type", "")
    if kind in PARTNER_KINDS:
        qs = qs.filter(kind=kind)
    club = request.GET.get("club", "").strip()
    if club:
        qs = qs.filter(business_club__icontains=club)
    counts = registry.counts()
    rows = [(o, [getattr(o, f"n_{c.key}") for c in counts]) for o in qs]
    return render_staff(
        request,
        "partenaires/organisation_list.html",
        {
            "title": _("Employeurs, institutions publiques et cabinets de recrutement"),
            "rows": rows,
            "count_labels": [c.label for c in counts],
            "kind": kind,
            "club": club,
        },
    )


@role_required(*PARTNER_ROLES)
def organisation_detail(request, pk):
    organisation = get_object_or_404(
        Organisation.objects.select_related("commune").defer("commune__contour"), pk=pk
    )
    context = {
        "title": organisation.name,
        "organisation": organisation,
        "sections": registry.sections(request, organisation),
    }
    return render_staff(request, "partenaires/organisation_detail.html", context)


@role_required(*PARTNER_ROLES)
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(request, _("%(name)s est ajoutée au réseau.") % {"name": organisation})
        return redirect("partenaires:organisations")
    return render_staff(
        request,
        "partenaires/organisation_form.html",
        {"title": _("Ajouter un employeur, une institution ou un cabinet"), "form": form},
    )


@role_required(*PARTNER_ROLES)
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


@role_required(*PARTNER_ROLES)
def organisation_import(request):
    """Step 1: upload and preview (nothing written). Step 2: confirm, and the kept file is imported."""
    preview = None
    form = OrganisationImportForm()
    if request.method == "POST" and "confirm" in request.POST:
        text = kept_upload(request, IMPORT_SESSION_KEY)
        if not text:
            return redirect("partenaires:organisation-import")
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
        return redirect("partenaires:organisations")
    if request.method == "POST":
        form = OrganisationImportForm(request.POST, request.FILES)
        preview = preview_upload(request, form, organisations_import.preview, IMPORT_SESSION_KEY)
    return render_staff(
        request,
        "partenaires/organisation_import.html",
        {"title": _("Importer des organisations depuis un fichier CSV"), "form": form, "preview": preview},
    )
