"""The request for support sent by a family, and its confirmation."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from osez.audit import client_address

from .. import services
from ..forms import SupportRequestForm, support_request_rate


def _client_key(group, request):
    # The visitor's address as the whole project sees it: behind the production proxy REMOTE_ADDR
    # is the proxy, and keying on it would make every family share one limit.
    return client_address(request)


@require_http_methods(["GET", "POST"])
def support_request(request):
    initial = {}
    if request.method == "GET" and request.GET.get("communes"):
        initial["communes_considered"] = ", ".join(services.parse_codes(request.GET.getlist("communes")))
    form = SupportRequestForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        limited = is_ratelimited(
            request,
            group="portail.support_request",
            key=_client_key,
            rate=support_request_rate,
            method="POST",
            increment=True,
        )
        if form.is_spam:
            # Robots get the same answer as people so they learn nothing; nothing is stored.
            return redirect("portail:request-done")
        if limited:
            form.add_error(
                None,
                _(
                    "Trop de demandes ont été envoyées depuis votre connexion. Réessayez dans une heure, "
                    "ou écrivez-nous directement à %(email)s."
                )
                % {"email": settings.OSEZ_ADVISORS_EMAIL},
            )
            status = 429
        elif form.is_valid():
            services.submit_support_request(form)
            return redirect("portail:request-done")
        else:
            status = 400
    return render(request, "portail/request.html", {"form": form}, status=status)


def support_request_done(request):
    return render(request, "portail/request_done.html")
