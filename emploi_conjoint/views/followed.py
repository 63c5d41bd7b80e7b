"""What installation advisors (and team leads) see of the spouse pipeline: the stage, never the CV."""

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from osez.audit import Action, record
from osez.roles import role_required
from osez.staff import render_staff

from ..models import Candidate
from .access import FOLLOWERS


@role_required(*FOLLOWERS)
def followed(request):
    qs = Candidate.objects.with_people().visible_to(request.user).order_by("adult__household__reference")
    reference = request.GET.get("dossier", "").strip()
    if reference:
        qs = qs.filter(adult__household__reference__iexact=reference)
    record(request, Action.VIEW, None, detail="suivi emploi : liste des étapes")
    return render_staff(
        request,
        "emploi_conjoint/followed.html",
        {
            "title": _("Conjoint·es suivi·es par l'équipe emploi"),
            "candidates": qs,
            "reference": reference,
            "query": urlencode({"dossier": reference}) if reference else "",
        },
    )
