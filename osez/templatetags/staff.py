"""Template tags of the staff frame: the navigation, and role checks for what a page shows."""

from django import template

from osez import roles, staff

register = template.Library()


@register.inclusion_tag("admin/includes/staff_nav.html", takes_context=True)
def staff_nav(context):
    """The staff navigation: only the entries the account's roles open (see osez.staff.add_nav_link)."""
    request = context.get("request")
    return {"links": staff.nav_links(request) if request is not None else []}


@register.simple_tag
def has_role(user, *names):
    """``{% has_role request.user "HR specialist" as hr_nav %}``: the same check as the views (osez.roles)."""
    return roles.has_role(user, *names)
