"""Role checks for staff pages: a decorator for function views and a mixin for class-based views.

Anonymous visitors are sent to the login page; a logged-in account without the role gets 403. Object
rules (an advisor's own dossiers, a team's candidates) live next to each app's models, with ``rules``.
"""

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from . import roles


def has_role(user, *role_names):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    names = set(role_names) | {roles.ADMIN}
    return user.groups.filter(name__in=names).exists()


def role_required(*role_names):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *role_names):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin(AccessMixin):
    roles = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, *self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
