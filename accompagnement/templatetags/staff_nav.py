"""The staff navigation shown on every back-office page: only the links the account's roles open."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from osez import roles

register = template.Library()

LINKS = [
    ("accompagnement:home", _("Mes dossiers"), (roles.ADVISOR, roles.TEAM_LEAD)),
    ("accompagnement:home", _("Familles (emploi du conjoint)"), (roles.HR,)),
    ("accompagnement:tasks", _("Mes tâches"), (roles.ADVISOR, roles.TEAM_LEAD)),
    ("admin:accompagnement_household_changelist", _("Tous les dossiers"), (roles.ADVISOR, roles.TEAM_LEAD)),
    (
        "admin:accompagnement_organisation_changelist",
        _("Partenaires"),
        (roles.ADVISOR, roles.TEAM_LEAD, roles.HR),
    ),
    ("accompagnement:figures", _("Chiffres"), (roles.ADVISOR, roles.TEAM_LEAD, roles.MARKETING)),
    ("/admin/emploi/", _("Emploi du conjoint"), (roles.HR, roles.TEAM_LEAD, roles.ADVISOR)),
]


@register.inclusion_tag("admin/includes/staff_nav.html", takes_context=True)
def staff_nav(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    links, seen = [], set()
    if user is None or not user.is_authenticated:
        return {"links": links}
    # One query for the account's roles, not one per link.
    names = {*roles.ROLE_LABELS} if user.is_superuser else set(user.groups.values_list("name", flat=True))
    if roles.ADMIN in names:
        names = {*roles.ROLE_LABELS}
    for name, label, needed in LINKS:
        if not user.is_active or not names.intersection(needed):
            continue
        try:
            url = name if name.startswith("/") else reverse(name)
        except NoReverseMatch:
            continue
        if url in seen:
            continue
        seen.add(url)
        links.append({"url": url, "label": label, "current": request.path == url})
    return {"links": links}
