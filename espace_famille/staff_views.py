"""What the advisor does with the family space from the dossier: answer a message, open an attachment."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accompagnement.models import Household
from osez import roles
from osez.audit import Action, record
from osez.roles import role_required
from osez.staff import render_staff

from . import figures, services
from .forms import MessageForm
from .models import Author, Message
from .views import _file_response

DOSSIER_ROLES = (roles.ADVISOR, roles.TEAM_LEAD)


@require_POST
@role_required(*DOSSIER_ROLES)
def reply(request, pk):
    household = get_object_or_404(Household, pk=pk)
    if not request.user.has_perm("accompagnement.edit_dossier", household):
        raise PermissionDenied
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, _("Le message n'a pas été envoyé : %(errors)s") % {"errors": errors})
        return redirect(f"{household.get_absolute_url()}#espace-famille")
    services.post_message(
        household,
        text=form.cleaned_data["text"],
        author=Author.ADVISOR,
        staff=request.user,
        upload=form.cleaned_data.get("attachment"),
        checked=form.checked,
    )
    record(request, Action.CREATE, household, detail="message à la famille")
    messages.success(
        request, _("Message envoyé à la famille (elle est prévenue par courriel, sans le contenu).")
    )
    return redirect(f"{household.get_absolute_url()}#espace-famille")


@require_GET
@role_required(*DOSSIER_ROLES)
def attachment(request, pk):
    message = get_object_or_404(Message.objects.select_related("household"), pk=pk)
    if not request.user.has_perm("accompagnement.read_dossier", message.household):
        raise PermissionDenied
    if not message.attachment:
        return redirect(message.household)
    record(request, Action.DOWNLOAD, message.household, detail=f"pièce jointe du message {message.pk}")
    return _file_response(message)


@require_GET
@role_required(roles.ADVISOR, roles.TEAM_LEAD, roles.MARKETING)
def figures_page(request):
    """The survey's figures for the direction (aggregates only, with the "< 5" rule)."""
    return render_staff(request, "espace_famille/figures.html", {"rows": figures.compute()})
