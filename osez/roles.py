"""Staff roles: each is a Django group; pages and objects check them through ``rules`` predicates."""

import rules
from django.utils.translation import gettext_lazy as _

ADVISOR = "installation advisor"
HR = "HR specialist"
MARKETING = "marketing"
TEAM_LEAD = "team lead"
ADMIN = "admin"

ROLE_LABELS = {
    ADVISOR: _("Conseiller·ère installation"),
    HR: _("Chargé·e RH (emploi du conjoint)"),
    MARKETING: _("Marketing (chiffres seulement)"),
    TEAM_LEAD: _("Responsable d'équipe"),
    ADMIN: _("Administrateur·rice"),
}

is_admin = rules.is_superuser | rules.is_group_member(ADMIN)
is_advisor = rules.is_group_member(ADVISOR)
is_hr = rules.is_group_member(HR)
is_marketing = rules.is_group_member(MARKETING)
is_team_lead = rules.is_group_member(TEAM_LEAD)
is_staff_member = rules.is_authenticated & (is_admin | is_advisor | is_hr | is_marketing | is_team_lead)


# Django model permissions granted per role, for the admin pages that rely on them (the back-office apps'
# own pages and admin classes check roles and object rules instead). Thematic sheets are written by the
# people who know the territory: advisors, team leads and marketing.
SHEET_PERMISSIONS = [
    f"portail.{action}_{model}"
    for model in ("sheet", "sheetattachment")
    for action in ("view", "add", "change", "delete")
]
ROLE_PERMISSIONS = {
    ADVISOR: SHEET_PERMISSIONS,
    TEAM_LEAD: SHEET_PERMISSIONS,
    MARKETING: SHEET_PERMISSIONS,
}


def ensure_groups():
    """Create the role groups with their permissions (idempotent); run after every migrate and by load_demo.

    The admin role gets every permission, so that accounts of that role manage staff accounts, their
    authenticator devices and every back-office model without being superusers.
    """
    from django.contrib.auth.models import Group, Permission

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_LABELS}
    groups[ADMIN].permissions.set(Permission.objects.all())
    for role, codes in ROLE_PERMISSIONS.items():
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        groups[role].permissions.set(wanted)
    return groups
