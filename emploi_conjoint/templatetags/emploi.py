"""Template helpers of the HR workspace."""

from django import template

register = template.Library()


@register.filter
def staff_name(user, empty="—"):
    """A staff member's full name, else their login, else a dash (accounts may have been deleted)."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()
