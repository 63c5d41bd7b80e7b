"""The rights desk in the back-office: find a dossier, download everything held on it, erase it on request.

Restricted to team leads and administrators: these are rare, deliberate acts, each one audited.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import rights
from .roles import TEAM_LEAD, role_required


class EraseForm(forms.Form):
    confirm_reference = forms.CharField(
        label=gettext_lazy("Retapez la référence du dossier pour confirmer"), max_length=40
    )
    reason = forms.CharField(
        label=gettext_lazy("Origine de la demande (sans donnée personnelle)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Par exemple : courrier reçu le 3 mars."),
    )

    def __init__(self, *args, reference, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference = reference

    def clean_confirm_reference(self):
        value = self.cleaned_data["confirm_reference"].strip()
        if value.upper() != self.reference.upper():
            raise forms.ValidationError(_("La référence saisie ne correspond pas à ce dossier."))
        return value


def _subject_or_404(pk):
    subject = rights.subject_model().objects.filter(pk=pk).first()
    if subject is None:
        raise Http404(_("Ce dossier n'existe pas (ou a déjà été effacé)."))
    return subject


def _context(admin_site, request, **extra):
    return {**admin_site.each_context(request), **extra}


def desk_view(admin_site):
    @never_cache
    @role_required(TEAM_LEAD)
    @require_GET
    def view(request):
        reference = request.GET.get("reference", "").strip()[:40]
        subject = rights.find(reference) if reference else None
        context = _context(
            admin_site,
            request,
            title=_("Droits des personnes : accès et effacement"),
            reference=reference,
            subject=subject,
            subject_reference=rights.reference_of(subject) if subject is not None else "",
            not_found=bool(reference) and subject is None,
        )
        return render(request, "osez/rights/desk.html", context)

    return view


def export_view(admin_site):
    @never_cache
    @role_required(TEAM_LEAD)
    @require_GET
    def view(request, pk):
        subject = _subject_or_404(pk)
        content = rights.export(subject, request)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="osez-{rights.reference_of(subject)}.zip"'
        return response

    return view


def erase_view(admin_site):
    @never_cache
    @role_required(TEAM_LEAD)
    def view(request, pk):
        subject = _subject_or_404(pk)
        reference = rights.reference_of(subject)
        form = EraseForm(request.POST or None, reference=reference)
        if request.method == "POST" and form.is_valid():
            counts = rights.erase(subject, request, reason=form.cleaned_data["reason"])
            messages.success(
                request,
                _("Dossier %(ref)s effacé : %(records)s enregistrements et %(files)s fichiers supprimés.")
                % {"ref": reference, **counts},
            )
            return redirect(reverse("admin:osez-rights"))
        held = rights.held_objects(subject)
        context = _context(
            admin_site,
            request,
            title=_("Effacer le dossier %(ref)s") % {"ref": reference},
            subject=subject,
            reference=reference,
            form=form,
            records=len(held),
            files=len(rights.held_files(held)),
        )
        return render(request, "osez/rights/erase.html", context)

    return view


def admin_urls(admin_site):
    return [
        path("securite/droits/", desk_view(admin_site), name="osez-rights"),
        path("securite/droits/<int:pk>/export/", export_view(admin_site), name="osez-rights-export"),
        path("securite/droits/<int:pk>/effacement/", erase_view(admin_site), name="osez-rights-erase"),
    ]
