"""Who opens which pages of the HR workspace, and the candidate lookup every candidate page shares."""

from django.shortcuts import get_object_or_404

from osez import roles

from ..models import Candidate

HR = (roles.HR,)
FIGURES = (roles.HR, roles.MARKETING, roles.TEAM_LEAD)
FOLLOWERS = (roles.ADVISOR, roles.HR, roles.TEAM_LEAD)


def candidate_or_404(pk):
    return get_object_or_404(Candidate.objects.with_people(), pk=pk)


def back_to(url, default):
    """Where to go after a form posted from a workspace page (never outside the workspace)."""
    return url if url and url.startswith("/admin/emploi/") else default
