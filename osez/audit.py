"""Who saw or changed what: one call for every read or write of personal data, and every export.

django-auditlog records field changes of registered models; this module adds what it cannot see —
reads, downloads and exports — in ``osez.AccessLog``. Never pass note text or file contents in
``detail``: the log must not become a copy of the personal data it protects.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class Action:
    VIEW = "view"
    CHANGE = "change"
    CREATE = "create"
    DELETE = "delete"
    DOWNLOAD = "download"
    EXPORT = "export"
    ERASE = "erase"

    CHOICES = [
        (VIEW, _("consultation")),
        (CHANGE, _("modification")),
        (CREATE, _("création")),
        (DELETE, _("suppression")),
        (DOWNLOAD, _("téléchargement")),
        (EXPORT, _("export")),
        (ERASE, _("effacement")),
    ]


@lru_cache(maxsize=4096)  # a pure function of the text, read on every public request (rate limits)
def _ip_or_empty(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_address(request):
    """The visitor's address, as the audit log, login throttling (axes) and rate limits all see it.

    Behind the production proxy REMOTE_ADDR is the proxy itself (gunicorn does not rewrite it). With
    ``OSEZ_PROXY_COUNT`` trusted proxies, the address is the one the outermost of them appended to
    X-Forwarded-For: entries further left were written by the client and can be forged.
    """
    if request is None:
        return ""
    remote = _ip_or_empty(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.OSEZ_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return _ip_or_empty(hops[-proxies]) or remote
    return remote


def describe(obj):
    """How the log names an object: a dossier's reference, else its kind and number — never a person's
    name (``str()`` of a candidate or a CV is the person's name, which would outlive an erasure here)."""
    if obj is None:
        return ""
    reference = getattr(obj, "reference", "")
    if reference:
        return str(reference)
    return f"{obj._meta.verbose_name} n° {obj.pk}"


def record(request, action, obj=None, *, detail="", object_repr=None):
    """Log one access. ``obj`` may be None for exports of many records (say what in ``detail``)."""
    from .models import AccessLog

    user = getattr(request, "user", None)
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        address=client_address(request) or None,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(object_repr if object_repr is not None else describe(obj))[:200],
        detail=detail[:300],
        path=(request.path if request is not None else "")[:300],
    )
