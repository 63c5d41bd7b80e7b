"""The job-search panel of a family's dossier: the spouse's HR stage, seen by the family's own advisor."""

from django.urls import reverse

from accompagnement.enums import Need
from osez import roles


def dossier_panel(request, household):
    """Context of the panel, or None when there is nothing to show or the account may not see it.

    The dossier page is only drawn for those who may read the whole dossier (the family's advisor, team
    leads, admins); HR specialists get the summary page, without panels, and this panel too says nothing
    to them there.
    """
    from .models import Candidate

    user = request.user
    if not roles.has_role(user, roles.ADVISOR, roles.TEAM_LEAD):
        return None
    if not user.has_perm("accompagnement.read_dossier", household):
        return None
    need = household.needs.filter(kind=Need.SPOUSE_JOB).first()
    candidates = list(
        Candidate.objects.filter(adult__household=household).select_related("adult", "hr_specialist")
    )
    if need is None and not candidates:
        return None
    can_open = roles.has_role(user, roles.HR) and need is not None and not household.is_closed
    return {
        "need": need,
        "candidates": candidates,
        "open_url": reverse("emploi_conjoint:open-from-need", args=[need.pk]) if can_open else "",
    }
