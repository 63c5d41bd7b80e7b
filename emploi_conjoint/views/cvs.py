"""CV versions of a candidate: private files, uploaded after a content check, every download audited."""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from osez.audit import Action, record
from osez.roles import role_required
from osez.staff import render_staff

from .. import services
from ..cv import CONTENT_TYPES, EXTENSIONS
from ..forms import CVUploadForm
from ..models import CVVersion
from .access import HR, candidate_or_404


@role_required(*HR)
def cv_list(request, pk):
    candidate = candidate_or_404(pk)
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
    return render_staff(
        request,
        "emploi_conjoint/cv_list.html",
        {
            "title": _("CV de %(name)s") % {"name": candidate},
            "candidate": candidate,
            "cv_versions": candidate.cv_versions.select_related("uploaded_by"),
            "cv_form": form,
        },
    )


@role_required(*HR)
def cv_download(request, pk):
    version = get_object_or_404(CVVersion.objects.select_related("candidate__adult"), pk=pk)
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("Ce fichier n'est plus disponible.")) from exc
    record(request, Action.DOWNLOAD, version, detail=f"CV {version.file_kind}")
    # The type and the extension come from the checked content, never from the name that was sent:
    # "polyglot.html" holding a PDF is served as "polyglot.pdf", application/pdf, never as a page.
    kind = version.file_kind if version.file_kind in CONTENT_TYPES else None
    stem = Path(version.original_name).stem or "cv"
    filename = f"{stem}{EXTENSIONS[kind]}" if kind else f"{stem}.bin"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=CONTENT_TYPES[kind] if kind else "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
