"""Template helpers of the HR workspace."""

from django import template

register = template.Library()


@register.filter
def staff_name(user, empty="—"):
    """A staff member's full name, else their login, else a dash (accounts may have been deleted)."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()


@register.inclusion_tag("emploi_conjoint/_household_status.html")
def emploi_status(household):
    """Where the household's job seekers stand (stage only, never the CV): for the advisors' dossier page.

    Usage: ``{% load emploi %}{% emploi_status household %}``.
    """
    from emploi_conjoint.models import Candidate

    return {
        "candidates": Candidate.objects.filter(adult__household=household)
        .select_related("adult", "hr_specialist")
        .order_by("adult__first_name")
    }
