"""The HR board: one column per stage, each card with the moves it allows."""

from django.db.models import Count
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from osez.roles import has_role, role_required
from osez.staff import render_staff

from .. import stages
from ..enums import ON_HOLD, PATH, Stage
from ..models import Candidate, Introduction
from .access import FIGURES, FOLLOWERS, HR


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
    for candidate in qs.order_by("stage_changed_at"):
        candidate.moves = [(s, Stage(s).label) for s in stages.possible_moves(candidate)]
        columns[candidate.stage].append(candidate)
    due = Introduction.objects.due().for_user(request.user).distinct().count()
    return render_staff(
        request,
        "emploi_conjoint/board.html",
        {
            "title": _("Emploi du conjoint : tableau des candidat·es"),
            "columns": [(Stage(s), people) for s, people in columns.items()],
            "mine": mine,
            "due_count": due,
        },
    )
