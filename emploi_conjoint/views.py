"""The HR workspace (board, candidate page, CVs, introductions, opportunities, figures) and the advisors' view.

Every page checks the role: CVs and profiles for HR specialists (and admins), the stage only for
installation advisors, figures for marketing. Reads of personal data, downloads and exports are audited.
"""

import csv
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompagnement.models import Organisation
from osez import roles
from osez.audit import Action, record
from osez.locking import StaleVersionError
from osez.permissions import has_role, role_required

from . import consent as consent_text
from . import figures as figures_module
from . import organisations_import, services, suggestions
from .enums import ON_HOLD, PATH, ContractType, Stage
from .forms import (
    CandidateForm,
    ConsentForm,
    CVUploadForm,
    IntroductionForm,
    MoveForm,
    OpportunityForm,
    OrganisationForm,
    OrganisationImportForm,
    OutcomeForm,
)
from .models import Candidate, CVVersion, Introduction, Opportunity

HR = (roles.HR,)
FIGURES = (roles.HR, roles.MARKETING, roles.TEAM_LEAD)
FOLLOWERS = (roles.ADVISOR, roles.HR, roles.TEAM_LEAD)
IMPORT_SESSION_KEY = "emploi_conjoint_import"


def page(request, template, title, **context):
    """Render a staff page inside the back-office frame (admin header, breadcrumbs)."""
    context.update(admin.site.each_context(request))
    context["title"] = title
    context["hr_nav"] = (
        roles.HR in _role_names(request.user)
        or request.user.is_superuser
        or (roles.ADMIN in _role_names(request.user))
    )
    return render(request, template, context)


def _role_names(user):
    if not hasattr(user, "_emploi_roles"):
        user._emploi_roles = set(user.groups.values_list("name", flat=True))
    return user._emploi_roles


def _candidate(pk):
    return get_object_or_404(Candidate.objects.with_people(), pk=pk)


# --- Board ------------------------------------------------------------------------------------------


def board(request):
    """The HR board; other staff landing on /admin/emploi/ are sent to what their role may see."""
    if request.user.is_authenticated and not has_role(request.user, *HR):
        if has_role(request.user, *FOLLOWERS):
            return redirect("emploi_conjoint:followed")
        if has_role(request.user, *FIGURES):
            return redirect("emploi_conjoint:figures")
    return _board(request)


@role_required(*HR)
def _board(request):
    mine = request.GET.get("mine") == "1"
    qs = Candidate.objects.with_people().annotate(n_intros=Count("introductions"))
    if mine:
        qs = qs.filter(hr_specialist=request.user)
    columns = {stage: [] for stage in [*PATH, *ON_HOLD]}
    for candidate in qs.order_by("stage_since"):
        candidate.moves = [(s, Stage(s).label) for s in services.possible_moves(candidate)]
        columns[candidate.stage].append(candidate)
    due = Introduction.objects.due().for_user(request.user).distinct().count()
    return page(
        request,
        "emploi_conjoint/board.html",
        _("Emploi du conjoint : tableau des candidat·es"),
        columns=[(Stage(s), people) for s, people in columns.items()],
        mine=mine,
        due_count=due,
    )


@role_required(*HR)
@require_POST
def candidate_move(request, pk):
    candidate = _candidate(pk)
    form = MoveForm(request.POST)
    back = request.POST.get("next") or ""
    if not back.startswith("/admin/emploi/"):
        back = reverse("emploi_conjoint:board")
    if not form.is_valid():
        messages.error(request, _("Choisissez une étape dans la liste."))
        return redirect(back)
    target = form.cleaned_data["target"]
    try:
        services.move(
            candidate,
            target,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_stage=form.cleaned_data["expected_stage"] or None,
        )
    except services.MoveRefused as refused:
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


# --- Candidate --------------------------------------------------------------------------------------


@role_required(*HR)
def candidate_create(request):
    form = CandidateForm(request.POST or None, initial={"hr_specialist": request.user.pk})
    if request.method == "POST" and form.is_valid():
        candidate = form.save(commit=False)
        services.open_candidate(candidate, by=request.user)
        record(request, Action.CREATE, candidate)
        messages.success(
            request, _("Le suivi de %(name)s est ouvert, à l'étape « Accueil ».") % {"name": candidate}
        )
        return redirect("emploi_conjoint:candidate", pk=candidate.pk)
    return page(request, "emploi_conjoint/candidate_form.html", _("Nouveau suivi emploi"), form=form)


@role_required(*HR)
def candidate_edit(request, pk):
    candidate = _candidate(pk)
    form = CandidateForm(request.POST or None, instance=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleVersionError:
            pass  # the form now carries the French "modifié par quelqu'un d'autre" error
        else:
            record(request, Action.CHANGE, candidate)
            messages.success(request, _("Profil enregistré."))
            return redirect("emploi_conjoint:candidate", pk=candidate.pk)
    return page(
        request,
        "emploi_conjoint/candidate_form.html",
        _("Profil de %(name)s") % {"name": candidate},
        form=form,
        candidate=candidate,
    )


def _timeline(candidate):
    """Every event of the follow-up in one list, newest first."""
    events = []
    for t in candidate.transitions.select_related("by"):
        label = (
            _("Étape : %(from)s → %(to)s")
            % {"from": t.get_from_stage_display(), "to": t.get_to_stage_display()}
            if t.from_stage
            else _("Suivi ouvert à l'étape « %(to)s »") % {"to": t.get_to_stage_display()}
        )
        events.append({"at": t.at, "kind": "stage", "label": label, "detail": t.reason, "by": t.by})
    for c in candidate.consents.select_related("recorded_by"):
        events.append(
            {
                "at": c.recorded_at,
                "kind": "consent",
                "label": _("Consentement donné le %(date)s (texte version %(v)s)")
                % {"date": c.given_on.strftime("%d/%m/%Y"), "v": c.text_version},
                "detail": _("retiré le %(date)s") % {"date": c.withdrawn_on.strftime("%d/%m/%Y")}
                if c.withdrawn_on
                else "",
                "by": c.recorded_by,
            }
        )
    for v in candidate.cv_versions.select_related("uploaded_by"):
        events.append(
            {
                "at": v.uploaded_at,
                "kind": "cv",
                "label": _("Nouvelle version du CV (%(kind)s)") % {"kind": v.file_kind.upper()},
                "detail": v.note,
                "by": v.uploaded_by,
            }
        )
    for i in candidate.introductions.select_related("organisation", "opportunity", "made_by"):
        label = _("Mise en relation avec %(org)s") % {"org": i.organisation}
        if i.opportunity:
            label += _(" pour l'offre « %(title)s »") % {"title": i.opportunity.title}
        events.append(
            {
                "at": i.created_at,
                "kind": "introduction",
                "label": label,
                "detail": _("%(channel)s — résultat : %(outcome)s")
                % {"channel": i.get_channel_display(), "outcome": i.get_outcome_display()},
                "by": i.made_by,
                "introduction": i,
            }
        )
    events += _outcome_events(candidate)
    return sorted(events, key=lambda e: e["at"], reverse=True)


def _outcome_events(candidate):
    """Outcome changes of the candidate's introductions, read back from django-auditlog's field log."""
    from auditlog.models import LogEntry

    from .enums import Outcome

    intros = {str(i.pk): i for i in candidate.introductions.select_related("organisation")}
    if not intros:
        return []
    entries = LogEntry.objects.get_for_objects(candidate.introductions.all()).filter(
        action=LogEntry.Action.UPDATE
    )
    events = []
    for entry in entries.select_related("actor"):
        change = (entry.changes_dict or {}).get("outcome")
        intro = intros.get(str(entry.object_pk))
        if not change or intro is None:
            continue
        before, after = (Outcome(v).label if v in Outcome.values else v for v in change[:2])
        events.append(
            {
                "at": entry.timestamp,
                "kind": "outcome",
                "label": _("%(org)s : %(before)s → %(after)s")
                % {"org": intro.organisation, "before": before, "after": after},
                "detail": "",
                "by": entry.actor,
            }
        )
    return events


@role_required(*HR)
def candidate_detail(request, pk):
    candidate = _candidate(pk)
    record(request, Action.VIEW, candidate)
    possible = services.possible_moves(candidate)
    return page(
        request,
        "emploi_conjoint/candidate_detail.html",
        str(candidate),
        candidate=candidate,
        timeline=_timeline(candidate),
        durations=services.stage_durations(candidate),
        moves=[(s, Stage(s).label) for s in possible],
        other_moves=[(s.value, s.label) for s in Stage if s != candidate.stage and s not in possible],
        next_hint=services.next_step_hint(candidate),
        cv_versions=candidate.cv_versions.select_related("uploaded_by"),
        cv_form=CVUploadForm(),
        introductions=candidate.introductions.select_related("organisation", "opportunity"),
        suggestions=suggestions.for_candidate(candidate),
        consent=candidate.current_consent,
        contract_labels=", ".join(
            str(ContractType(c).label) for c in candidate.contract_types if c in ContractType.values
        ),
        today=timezone.localdate(),
    )


@role_required(*HR)
def consent(request, pk):
    candidate = _candidate(pk)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_consent(candidate, by=request.user, given_on=form.cleaned_data["given_on"])
        record(request, Action.CREATE, candidate, detail=f"consentement v{consent_text.CURRENT_VERSION}")
        messages.success(
            request, _("Consentement enregistré : le CV peut désormais être présenté aux entreprises.")
        )
        return redirect("emploi_conjoint:candidate", pk=candidate.pk)
    return page(
        request,
        "emploi_conjoint/consent.html",
        _("Consentement de %(name)s") % {"name": candidate},
        candidate=candidate,
        form=form,
        text=consent_text.TEXT,
        version=consent_text.CURRENT_VERSION,
    )


@role_required(*HR)
@require_POST
def consent_withdraw(request, pk):
    candidate = _candidate(pk)
    if services.withdraw_consent(candidate):
        record(request, Action.CHANGE, candidate, detail="consentement retiré")
        messages.success(request, _("Consentement retiré : plus aucune mise en relation n'est possible."))
    return redirect("emploi_conjoint:candidate", pk=candidate.pk)


# --- CVs --------------------------------------------------------------------------------------------


@role_required(*HR)
def cv_list(request, pk):
    candidate = _candidate(pk)
    form = CVUploadForm()
    if request.method == "POST":
        form = CVUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                version = services.add_cv_version(
                    candidate, form.cleaned_data["file"], note=form.cleaned_data["note"], by=request.user
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                record(request, Action.CREATE, version, detail="nouvelle version du CV")
                messages.success(request, _("Nouvelle version du CV enregistrée."))
                return redirect("emploi_conjoint:candidate", pk=candidate.pk)
    else:
        record(request, Action.VIEW, candidate, detail="liste des CV")
    return page(
        request,
        "emploi_conjoint/cv_list.html",
        _("CV de %(name)s") % {"name": candidate},
        candidate=candidate,
        cv_versions=candidate.cv_versions.select_related("uploaded_by"),
        cv_form=form,
    )


@role_required(*HR)
def cv_download(request, pk):
    version = get_object_or_404(CVVersion.objects.select_related("candidate__adult"), pk=pk)
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("Ce fichier n'est plus disponible.")) from exc
    record(request, Action.DOWNLOAD, version, detail=f"CV {version.file_kind}")
    response = FileResponse(handle, as_attachment=True, filename=version.original_name)
    response["Cache-Control"] = "no-store"
    return response


# --- Introductions ----------------------------------------------------------------------------------


@role_required(*HR)
def introduction_create(request, pk):
    candidate = _candidate(pk)
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
    return page(
        request,
        "emploi_conjoint/introduction_form.html",
        _("Mettre %(name)s en relation") % {"name": candidate},
        candidate=candidate,
        form=form,
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
        back = request.POST.get("next") or ""
        if back.startswith("/admin/emploi/"):
            return redirect(back)
        return redirect("emploi_conjoint:candidate", pk=intro.candidate_id)
    return page(
        request,
        "emploi_conjoint/introduction_update.html",
        _("Suite de la mise en relation : %(intro)s") % {"intro": intro},
        intro=intro,
        form=form,
        next=request.GET.get("next", ""),
    )


@role_required(*HR)
def follow_ups(request):
    due = Introduction.objects.due().for_user(request.user).distinct()
    return page(
        request,
        "emploi_conjoint/follow_ups.html",
        _("Mes relances"),
        due=due,
        today=timezone.localdate(),
    )


# --- Opportunities ----------------------------------------------------------------------------------


@role_required(*HR)
def opportunity_list(request):
    show_closed = request.GET.get("toutes") == "1"
    qs = Opportunity.objects.with_places().annotate(n_intros=Count("introductions"))
    if not show_closed:
        qs = qs.open()
    return page(
        request,
        "emploi_conjoint/opportunity_list.html",
        _("Offres d'emploi transmises par les partenaires"),
        opportunities=qs,
        show_closed=show_closed,
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
    return page(request, "emploi_conjoint/opportunity_form.html", _("Nouvelle offre d'emploi"), form=form)


@role_required(*HR)
def opportunity_edit(request, pk):
    offer = get_object_or_404(Opportunity, pk=pk)
    form = OpportunityForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(request, Action.CHANGE, offer)
        messages.success(request, _("Offre mise à jour."))
        return redirect("emploi_conjoint:opportunity", pk=offer.pk)
    return page(
        request,
        "emploi_conjoint/opportunity_form.html",
        _("Modifier l'offre « %(title)s »") % {"title": offer},
        form=form,
    )


@role_required(*HR)
def opportunity_detail(request, pk):
    offer = get_object_or_404(Opportunity.objects.with_places(), pk=pk)
    return page(
        request,
        "emploi_conjoint/opportunity_detail.html",
        offer.title,
        offer=offer,
        suggestions=suggestions.for_opportunity(offer),
        introductions=offer.introductions.select_related("candidate__adult"),
    )


# --- Organisations ----------------------------------------------------------------------------------


@role_required(*HR)
def organisation_list(request):
    qs = (
        Organisation.objects.filter(kind__in=["employer", "recruiter"])
        .select_related("commune")
        .defer("commune__contour")
        .prefetch_related(Prefetch("contacts"))
        .annotate(
            n_intros=Count("introductions", distinct=True), n_offers=Count("opportunities", distinct=True)
        )
    )
    kind = request.GET.get("type", "")
    if kind in ("employer", "recruiter"):
        qs = qs.filter(kind=kind)
    club = request.GET.get("club", "").strip()
    if club:
        qs = qs.filter(business_club__icontains=club)
    return page(
        request,
        "emploi_conjoint/organisation_list.html",
        _("Entreprises et cabinets de recrutement"),
        organisations=qs,
        kind=kind,
        club=club,
    )


@role_required(*HR)
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(request, _("%(name)s est ajoutée au réseau.") % {"name": organisation})
        return redirect("emploi_conjoint:organisations")
    return page(
        request,
        "emploi_conjoint/organisation_form.html",
        _("Ajouter une entreprise ou un cabinet"),
        form=form,
    )


@role_required(*HR)
def organisation_import_template(request):
    """An example file to fill in, with the expected columns (the organisation in it is fictional)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-import-entreprises.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["nom", "type", "siret", "naf", "secteur", "code_insee", "effectif", "club", "site_web"])
    writer.writerow(
        ["Entreprise exemple (fictive)", "employeur", "73282932000074", "62.01Z", "informatique", "10387",
         "10-49", "Club des entreprises", "https://exemple.fr"]
    )  # fmt: skip
    return response


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
    return page(
        request,
        "emploi_conjoint/organisation_import.html",
        _("Importer des entreprises depuis un fichier CSV"),
        form=form,
        preview=preview,
    )


# --- Figures ----------------------------------------------------------------------------------------


@role_required(*FIGURES)
def figures(request):
    return page(
        request,
        "emploi_conjoint/figures.html",
        _("Chiffres de l'emploi du conjoint"),
        f=figures_module.compute(),
    )


@role_required(*FIGURES)
def figures_csv(request):
    data = figures_module.compute()
    record(request, Action.EXPORT, None, detail="chiffres emploi du conjoint (agrégés, sans nom)")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="emploi-conjoint-chiffres.csv"'
    response.write("\ufeff")  # so that spreadsheets open the accents correctly
    writer = csv.writer(response, delimiter=";")
    for row in figures_module.csv_rows(data):
        writer.writerow([_spreadsheet_safe(cell) for cell in row])
    return response


def _spreadsheet_safe(cell):
    # A sector typed as "=HYPERLINK(…)" would run as a formula in a spreadsheet: make it plain text.
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell


# --- What installation advisors see: the stage, never the CV ------------------------------------------


@role_required(*FOLLOWERS)
def followed(request):
    qs = Candidate.objects.with_people().order_by("adult__household__reference")
    reference = request.GET.get("dossier", "").strip()
    if reference:
        qs = qs.filter(adult__household__reference__iexact=reference)
    record(request, Action.VIEW, None, detail="suivi emploi : liste des étapes")
    return page(
        request,
        "emploi_conjoint/followed.html",
        _("Conjoint·es suivi·es par l'équipe emploi"),
        candidates=qs,
        reference=reference,
        query=urlencode({"dossier": reference}) if reference else "",
    )
