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


def ensure_groups():
    """Create the role groups (idempotent); called by migrations' post_migrate and by load_demo."""
    from django.contrib.auth.models import Group

    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_LABELS}
