"""What the employer space adds to staff pages: the accounts on an organisation's page, the referral on
the dossier (who referred the family, what the recruit agreed to, and withdrawing the stage sharing)."""

from osez import roles

from .forms import AccountForm
from .models import EmployerAccount, Referral

ACCOUNT_ROLES = (roles.ADVISOR, roles.TEAM_LEAD)


def organisation_section(request, organisation):
    return {
        "accounts": EmployerAccount.objects.filter(organisation=organisation).select_related("user"),
        "may_create": roles.has_role(request.user, *ACCOUNT_ROLES),
        "account_form": AccountForm(),
    }


def dossier_panel(request, household):
    referral = Referral.objects.filter(household=household).select_related("organisation").first()
    if referral is None:
        return None
    return {
        "referral": referral,
        "may_withdraw": referral.shares_stage
        and request.user.has_perm("accompagnement.edit_dossier", household),
    }
