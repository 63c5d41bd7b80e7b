"""Who opens the employer space: an active account of the "partner employer" role linked to an
organisation. The organisation comes from the account, never from the address: an employer can only
ever name its own kits and referrals."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from osez import roles

from .models import EmployerAccount


def employer_account(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if roles.EMPLOYER not in roles.group_names(user):
        return None
    return EmployerAccount.objects.select_related("organisation").filter(user=user).first()


def employer_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("employeurs:login"))
        account = employer_account(request.user)
        if account is None:
            raise PermissionDenied
        request.employer_account = account
        return view(request, *args, **kwargs)

    return wrapped
