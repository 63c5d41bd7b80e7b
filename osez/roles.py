"""Staff roles and the one API that checks them: pages, admin classes, templates and ``rules`` predicates.

Each role is a Django group. ``has_role(user, *roles)`` is the only check: an inactive or anonymous
account has none, an administrator (superuser or the admin group) has every role. The group names of an
account are read once per request (cached on the user object, as ``rules`` does). Object rules — an
advisor's own dossiers, an HR specialist's households — live next to each app's models
(``accompagnement/rules.py``) and are built from the predicates below.

Apps declare the Django model permissions a role needs (for the admin pages that rely on them) with
``grant_permissions()`` from their ``AppConfig.ready()``; ``ensure_groups()`` applies them.
"""

from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

ADVISOR = "installation advisor"
HR = "HR specialist"
MARKETING = "marketing"
TEAM_LEAD = "team lead"
ADMIN = "admin"
# Not staff: the account of a partner employer's recruiter, limited to its organisation's own space
# (``employeurs``); it holds no staff role and never reaches the back-office (is_staff stays false).
EMPLOYER = "partner employer"

ROLE_LABELS = {
    ADVISOR: _("Conseiller·ère installation"),
    HR: _("Chargé·e RH (emploi du conjoint)"),
    MARKETING: _("Marketing (chiffres seulement)"),
    TEAM_LEAD: _("Responsable d'équipe"),
    ADMIN: _("Administrateur·rice"),
    EMPLOYER: _("Employeur partenaire"),
}

# The cache attribute is rules' own (rules.is_group_member reads it): one query for both.
_CACHE = "_group_names_cache"


def group_names(user):
    """The names of the account's groups, read once per user object (one query)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, _CACHE):
        setattr(user, _CACHE, set(user.groups.values_list("name", flat=True)))
    return frozenset(getattr(user, _CACHE))


def is_administrator(user):
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or ADMIN in group_names(user)
    )


def role_names(user):
    """Every role the account holds: all of them for an administrator, none for an inactive account."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if is_administrator(user):
        return frozenset(ROLE_LABELS)
    return group_names(user) & frozenset(ROLE_LABELS)


def has_role(user, *names):
    """Whether the account holds one of ``names`` (administrators hold them all)."""
    held = role_names(user)
    return ADMIN in held or not held.isdisjoint(names)


def role_required(*names):
    """View decorator: the login page for an anonymous visitor, 403 for an account without the role."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *names):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def users_with_role(*names):
    """Active accounts in one of the role groups ``names`` (for lists of people to assign or notify)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, groups__name__in=names).distinct()


# As RoleAdminMixin's roles: no account at all, administrators included.
NOBODY = None


class RoleAdminMixin:
    """Admin permissions from the staff roles rather than per-model Django permissions.

    ``view_roles`` see the pages, ``change_roles`` add and change, ``delete_roles`` delete (administrators
    always may, unless the roles are ``NOBODY``: rows that only the code writes, such as imported data).
    Object rules are added by overriding ``has_change_permission``.
    """

    view_roles = ()
    change_roles = ()
    delete_roles = ()

    @staticmethod
    def _held(request, names):
        return names is not NOBODY and has_role(request.user, *names)

    def has_module_permission(self, request):
        return self._held(request, self.view_roles)

    def has_view_permission(self, request, obj=None):
        return self._held(request, self.view_roles)

    def has_add_permission(self, request, obj=None):
        return self._held(request, self.change_roles)

    def has_change_permission(self, request, obj=None):
        return self._held(request, self.change_roles)

    def has_delete_permission(self, request, obj=None):
        return self._held(request, self.delete_roles)


# Predicates for object rules (``rules``); unlike has_role they do not include administrators, which
# rules name explicitly (``is_admin | …``) so that each rule reads as the decision it records.
# rules passes as many arguments as the function takes; the lambda says one, whatever wraps is_administrator
# (mutation testing replaces it with a function taking *args).
is_admin = rules.predicate(lambda user: is_administrator(user), name="is_admin")
is_advisor = rules.is_group_member(ADVISOR)
is_hr = rules.is_group_member(HR)
is_marketing = rules.is_group_member(MARKETING)
is_team_lead = rules.is_group_member(TEAM_LEAD)
is_staff_member = rules.is_authenticated & (is_admin | is_advisor | is_hr | is_marketing | is_team_lead)


# --- Django model permissions per role ----------------------------------------------------------------

_granted: dict[str, set[str]] = {}


def grant_permissions(permissions, *to_roles):
    """Declare that ``to_roles`` hold these Django permissions ("app_label.codename"); call from ready()."""
    for role in to_roles:
        if role not in ROLE_LABELS:
            raise ValueError(f"unknown role {role!r}")
        _granted.setdefault(role, set()).update(permissions)


def granted_permissions(role):
    return frozenset(_granted.get(role, ()))


def ensure_groups():
    """Create the role groups with their permissions (idempotent); run after every migrate and by load_demo.

    The admin role gets every permission, so that accounts of that role manage staff accounts, their
    authenticator devices and every back-office model without being superusers.
    """
    from django.contrib.auth.models import Group, Permission

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_LABELS}
    groups[ADMIN].permissions.set(Permission.objects.all())
    for role in ROLE_LABELS:
        if role == ADMIN:
            continue
        wanted = []
        for code in sorted(granted_permissions(role)):
            app_label, codename = code.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        groups[role].permissions.set(wanted)
    return groups
