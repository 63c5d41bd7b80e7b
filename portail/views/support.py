"""The request for support sent by a family, and its confirmation."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from communes.models import Commune
from osez.audit import client_address

from .. import campaign, services
from ..forms import SupportRequestForm, support_request_rate
from ..models import SupportRequest

DONE_SALT = "portail.request-done"
DONE_MAX_AGE = 7 * 24 * 3600  # the confirmation page can be reloaded for a week


def _client_key(group, request):
    # The visitor's address as the whole project sees it: behind the production proxy REMOTE_ADDR
    # is the proxy, and keying on it would make every family share one limit.
    return client_address(request)


def _initial(request):
    """A new form: its submission key, and what the finder or a commune page passes (names, ages)."""
    initial = {"submission_key": uuid.uuid4()}
    if request.GET.get("communes"):
        parts = services.parse_codes(request.GET.getlist("communes"))[:10]
        # A code INSEE (from a commune page) reads better as the commune's name.
        names = dict(Commune.objects.active().filter(pk__in=parts).values_list("code_insee", "name"))
        initial["communes_considered"] = ", ".join(names.get(p, p) for p in parts)
    if request.GET.get("ages"):
        initial["children_birth_years"] = request.GET["ages"][:80]
    # A link from an event page (?ref=evenement-12) or a campaign's address straight to the form.
    initial.update(campaign.from_query(request.GET))
    return initial


def done_url(support_request):
    """The confirmation's address, carrying the request in a signed token (only its sender has it)."""
    token = signing.dumps(support_request.pk, salt=DONE_SALT)
    return f"{reverse('portail:request-done')}?{urlencode({'demande': token})}"


def _already_sent(form):
    """The request this very form already created (a double click, a retried POST), if any."""
    try:
        key = uuid.UUID(str(form.data.get("submission_key", "")))
    except ValueError:
        return None
    return SupportRequest.objects.filter(submission_key=key).first()


@require_http_methods(["GET", "POST"])
def support_request(request):
    form = SupportRequestForm(
        request.POST or None, initial=_initial(request) if request.method == "GET" else None
    )
    status = 200
    if request.method == "POST":
        if form.is_spam:
            # Robots get the same answer as people so they learn nothing; nothing is stored.
            return redirect("portail:request-done")
        existing = _already_sent(form)
        if existing is not None:
            return redirect(done_url(existing))
        limited = is_ratelimited(
            request,
            group="portail.support_request",
            key=_client_key,
            rate=support_request_rate,
            method="POST",
            increment=True,
        )
        if limited:
            form.add_error(
                None,
                _(
                    "Trop de demandes ont été envoyées depuis votre connexion. Réessayez dans une heure, "
                    "ou écrivez-nous directement à %(email)s."
                )
                % {"email": settings.OSEZ_SERVICE_EMAIL},
            )
            status = 429
        elif form.is_valid():
            try:
                support_request = services.submit_support_request(form, language=request.LANGUAGE_CODE)
            except IntegrityError:
                # The same form posted twice at once: the other POST created it; same confirmation.
                support_request = _already_sent(form)
                if support_request is None:
                    raise
            return redirect(done_url(support_request))
        else:
            status = 400
    if not form.data.get("submission_key") and request.method == "POST":
        form.data = form.data.copy()
        form.data["submission_key"] = str(uuid.uuid4())
    return render(request, "portail/request.html", {"form": form}, status=status)


def support_request_done(request):
    """The confirmation: the request's reference, how and when the family will be contacted."""
    support_request = None
    token = request.GET.get("demande", "")
    if token:
        try:
            pk = signing.loads(token, salt=DONE_SALT, max_age=DONE_MAX_AGE)
        except signing.BadSignature:
            pk = None
        support_request = SupportRequest.objects.filter(pk=pk).first() if pk else None
    return render(request, "portail/request_done.html", {"support_request": support_request})
