"""The HR board: one column per stage, each card with the moves it allows."""

from django.shortcuts import redirect
from django.utils.translation import gettext as _

from osez.roles import has_role, role_required
from osez.staff import render_staff

from .. import jobs, stages, suggestions
from ..enums import ON_HOLD, PATH, Stage
from ..forms import hr_users
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
    """One line per person, by stage; filters by HR specialist, sector sought and stage (GET, no JS)."""
    filters = {key: request.GET.get(key, "").strip() for key in ("rh", "secteur", "etape")}
    if request.GET.get("mine") == "1":
        filters["rh"] = str(request.user.pk)
    qs = Candidate.objects.with_people()
    if filters["rh"].isdigit():
        qs = qs.filter(hr_specialist_id=int(filters["rh"]))
    if filters["etape"] in Stage.values:
        qs = qs.filter(stage=filters["etape"])
    people = list(qs.order_by("stage_changed_at"))
    if filters["secteur"]:
        people = [c for c in people if filters["secteur"] in suggestions.wished_sectors(c)]
    columns = {stage: [] for stage in [*PATH, *ON_HOLD]}
    if filters["etape"] in Stage.values:
        columns = {Stage(filters["etape"]): []}
    for candidate in people:
        candidate.moves = [(s, Stage(s).label) for s in stages.possible_moves(candidate)]
        columns[candidate.stage].append(candidate)
    due = Introduction.objects.due().for_user(request.user).distinct().count()
    return render_staff(
        request,
        "emploi_conjoint/board.html",
        {
            "title": _("Emploi du conjoint : tableau des candidat·es"),
            "columns": [(Stage(s), people) for s, people in columns.items()],
            "filters": filters,
            "filtered": any(filters.values()),
            "hr_choices": [(str(u.pk), u.get_full_name() or u.get_username()) for u in hr_users()],
            "sectors": sorted({job.sector for job in jobs.all_jobs()}),
            "stage_choices": [(s.value, s.label) for s in [*PATH, *ON_HOLD]],
            "due_count": due,
        },
    )
