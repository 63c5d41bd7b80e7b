"""Staff actions about employer accounts and referrals (advisors and team leads, in the back-office)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from osez import roles
from osez.roles import role_required
from partenaires.models import Organisation

from .. import services
from ..forms import AccountForm
from ..models import Referral

ACCOUNT_ROLES = (roles.ADVISOR, roles.TEAM_LEAD)


@require_POST
@role_required(*ACCOUNT_ROLES)
def account_create(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = AccountForm(request.POST)
    if form.is_valid():
        account = services.create_account(organisation, **form.cleaned_data, by=request.user)
        messages.success(
            request,
            _("Compte créé pour %(name)s : un courriel lui permet de choisir son mot de passe.")
            % {"name": account.user.get_full_name()},
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("partenaires:organisation", pk=organisation.pk)


@require_POST
@role_required(*ACCOUNT_ROLES)
def withdraw_sharing(request, pk):
    referral = get_object_or_404(Referral.objects.select_related("household"), pk=pk)
    if not request.user.has_perm("accompagnement.edit_dossier", referral.household):
        raise PermissionDenied
    services.withdraw_stage_sharing(referral)
    messages.success(request, _("L'employeur ne voit plus l'étape de ce dossier."))
    return redirect("accompagnement:dossier", pk=referral.household_id)
