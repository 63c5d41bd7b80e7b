"""The public pages of the events: the list of upcoming events, one event with its sign-up form, cancelling."""

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from osez.audit import client_address
from osez.cache import cached_public

from . import services
from .forms import SignUpForm
from .models import CONSENT_TEXT_VERSION, Event


def _client_key(group, request):
    # The visitor's address as the whole project sees it (behind the proxy, not the proxy's own).
    return client_address(request)


def sign_up_rate(group, request):
    """django-ratelimit rate, read at request time so tests and operators can change it."""
    return getattr(settings, "OSEZ_EVENT_SIGN_UP_RATE", "10/h")


@cached_public(prefix="events", query=())
def event_list(request):
    events = (
        Event.objects.published()
        .upcoming()
        .select_related("commune")
        .defer("commune__contour")
        .order_by("starts_at", "pk")
    )
    return render(request, "evenements/list.html", {"events": events})


def _event_or_404(pk):
    return get_object_or_404(
        Event.objects.public().select_related("commune").defer("commune__contour"), pk=pk
    )


@require_http_methods(["GET", "POST"])
def event_detail(request, pk, slug):
    """One event and its sign-up form (not in the shared cache: the form carries the visitor's CSRF token)."""
    event = _event_or_404(pk)
    if slug != event.slug:
        return redirect(event, permanent=True)
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam:
            # A robot gets the page a person would, and learns nothing; nothing is stored.
            return redirect(f"{event.get_absolute_url()}?inscription=envoyee")
        limited = is_ratelimited(
            request,
            group="evenements.sign_up",
            key=_client_key,
            rate=sign_up_rate,
            method="POST",
            increment=True,
        )
        if limited:
            form.add_error(
                None,
                _(
                    "Trop d'inscriptions ont été envoyées depuis votre connexion. Réessayez dans une heure, "
                    "ou écrivez-nous à %(email)s."
                )
                % {"email": settings.OSEZ_SERVICE_EMAIL},
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                registration, outcome = services.sign_up(
                    event,
                    name=data["name"],
                    email=data["email"],
                    party_size=data["party_size"],
                    phone=data["phone"],
                    consent_text_version=CONSENT_TEXT_VERSION,
                )
            except services.SignUpRefused as refusal:
                form.add_error(None, str(refusal))
                status = 409
            else:
                return render(
                    request,
                    "evenements/signed_up.html",
                    {"event": event, "registration": registration, "outcome": outcome},
                )
        else:
            status = 400
    return render(
        request,
        "evenements/event.html",
        {
            "event": event,
            "form": form,
            "refusal": services.sign_up_refusal(event),
            "places_left": services.places_left(event),
            "robot_done": request.GET.get("inscription") == "envoyee",
            "starts": timezone.localtime(event.starts_at),
            "ends": timezone.localtime(event.ends_at) if event.ends_at else None,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def cancel(request, token):
    """A cancel link: the page asks for a click (a mail scanner following links must not cancel anyone)."""
    try:
        registration = services.registration_from_token(token)
    except services.CancelRefused as refusal:
        return render(request, "evenements/cancel.html", {"refusal": str(refusal)}, status=400)
    context = {"registration": registration, "event": registration.event}
    if request.method == "POST":
        try:
            services.cancel_registration(registration)
        except services.CancelRefused as refusal:
            return render(request, "evenements/cancel.html", {**context, "refusal": str(refusal)}, status=409)
        return render(request, "evenements/cancel.html", {**context, "done": True})
    if registration.status == "annule":
        context["refusal"] = _("Cette inscription est déjà annulée : il n'y a rien d'autre à faire.")
    return render(request, "evenements/cancel.html", context)
