"""Staff pages of the events, under /admin/evenements/ (in French, in the staff frame): the events, their
attendees, the check-in list, a dossier for an attendee, and each event's figures.

Installation advisors and team leads run events; marketing reads their figures. Reads of attendee lists
and dossier openings are written to the access log.
"""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompagnement.models import Household
from osez import roles
from osez.audit import Action, record
from osez.figures import hidden_note
from osez.roles import role_required
from osez.staff import render_staff

from . import figures, services
from .enums import RegistrationStatus
from .models import Event

EVENT_ROLES = (roles.ADVISOR, roles.TEAM_LEAD)
FIGURES_ROLES = (roles.ADVISOR, roles.TEAM_LEAD, roles.MARKETING)


def _event(pk):
    return get_object_or_404(Event.objects.select_related("commune").defer("commune__contour"), pk=pk)


@role_required(*FIGURES_ROLES)
def events(request):
    """Every event, upcoming first, with its counts; marketing sees only the link to the figures."""
    now = timezone.now()
    qs = Event.objects.with_counts().select_related("commune").defer("commune__contour")
    upcoming = qs.filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now)).order_by(
        "starts_at"
    )
    past = qs.exclude(pk__in=upcoming.values("pk")).order_by("-starts_at")[:50]
    return render_staff(
        request,
        "evenements/staff/events.html",
        {
            "upcoming": upcoming,
            "past": past,
            "can_run": roles.has_role(request.user, *EVENT_ROLES),
        },
    )


ATTENDEE_FIELDS = (
    "pk", "name", "email", "phone", "party_size", "status", "checked_in_at", "anonymised_at",
    "household_id", "household__reference",
)  # fmt: skip


def _attendee_rows(event, registrations, found):
    """The table's rows as HTML, written here rather than in the template: a 500-person fair is 15,000
    template nodes (about a second on the reference machine), this is a few milliseconds. Every value
    is escaped by format_html."""
    base = reverse("evenements_staff:attendees", args=[event.pk])
    dossier_base = reverse("accompagnement:dossier", args=[0]).removesuffix("0/")
    status = dict(RegistrationStatus.choices)
    link, open_one, other, yes = _("Lier à"), _("Ouvrir un dossier"), _("autres choix"), _("oui")
    rows = []
    for r in registrations:
        url = f"{base}{r['pk']}/dossier/"
        if r["household_id"]:
            dossier = format_html(
                '<a href="{}{}/">{}</a>', dossier_base, r["household_id"], r["household__reference"]
            )
        elif r["anonymised_at"]:
            dossier = "—"
        else:
            matches = found.get(r["email"], [])
            buttons = format_html_join(
                " ",
                '<button type="submit" formaction="{}" name="household" value="{}" class="button-small">{} {}</button>',
                ((url, h.pk, link, h.reference) for h in matches),
            ) or format_html(
                '<button type="submit" formaction="{}" class="button-small">{}</button>', url, open_one
            )
            dossier = format_html('{} <a href="{}">{}</a>', buttons, url, other)
        rows.append(
            format_html(
                '<tr id="r{}"><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
                "<td>{}</td></tr>",
                r["pk"],
                r["name"] or "—",
                r["email"] or "—",
                r["phone"] or "—",
                r["party_size"],
                status.get(r["status"], r["status"]),
                yes if r["checked_in_at"] else "—",
                dossier,
            )
        )
    return mark_safe("\n".join(rows))


@role_required(*EVENT_ROLES)
def attendees(request, pk):
    event = _event(pk)
    registrations = list(event.registrations.order_by("status", "created_at", "pk").values(*ATTENDEE_FIELDS))
    unlinked = [r for r in registrations if not r["household_id"]]
    found = services.existing_dossiers_by_email([SimpleNamespace(email=r["email"]) for r in unlinked])
    record(request, Action.VIEW, event, detail="liste des inscrits")
    return render_staff(
        request,
        "evenements/staff/attendees.html",
        {
            "event": event,
            "rows": _attendee_rows(event, registrations, found),
            "n_rows": len(registrations),
            "n_confirmed": sum(1 for r in registrations if r["status"] == RegistrationStatus.CONFIRMED),
            "n_waiting": sum(1 for r in registrations if r["status"] == RegistrationStatus.WAITING),
            "places_left": services.places_left(event),
        },
    )


@role_required(*EVENT_ROLES)
def check_in(request, pk):
    """The list to tick at the door: one button per person (a small form, no JavaScript), prints on A4."""
    event = _event(pk)
    if request.method == "POST":
        # "12:1" ticks sign-up 12 present, "12:0" undoes a wrong tap (the button pressed sends its value).
        chosen, _sep, state = request.POST.get("toggle", "").partition(":")
        registration = get_object_or_404(
            event.registrations.confirmed(), pk=chosen if chosen.isdigit() else 0
        )
        services.set_present(registration, present=state == "1", by=request.user)
        return redirect(f"{reverse('evenements_staff:check-in', args=[event.pk])}#r{registration.pk}")
    registrations = list(event.registrations.confirmed().order_by("name", "pk"))
    record(request, Action.VIEW, event, detail="liste d'émargement")
    return render_staff(
        request,
        "evenements/staff/check_in.html",
        {
            "event": event,
            "registrations": registrations,
            "present": sum(1 for r in registrations if r.checked_in_at),
            "starts": timezone.localtime(event.starts_at),
            # Translated once, not once per row of a 500-person list.
            "people_word": _("personnes"),
            "tick_word": _("Pointer"),
            "present_word": _("Présent·e ✓"),
            "undo_word": _("présent·e, annuler le pointage"),
        },
    )


@role_required(*EVENT_ROLES)
def dossier(request, pk, registration_pk):
    """Open a dossier for an attendee, or link the one found by e-mail or name — one click either way."""
    event = _event(pk)
    registration = get_object_or_404(event.registrations.select_related("household"), pk=registration_pk)
    if registration.anonymised_at is not None:
        messages.error(
            request,
            _("Cette inscription a été anonymisée (durée de conservation passée) : plus rien à lier."),
        )
        return redirect("evenements_staff:attendees", pk=event.pk)
    if request.method == "POST":
        if registration.household_id:
            messages.info(
                request,
                _("Cette personne a déjà un dossier : %(ref)s.") % {"ref": registration.household.reference},
            )
            return redirect(registration.household)
        chosen = request.POST.get("household")
        if chosen:
            household = get_object_or_404(Household, pk=chosen if str(chosen).isdigit() else 0)
            if not request.user.has_perm("accompagnement.edit_dossier", household):
                raise PermissionDenied(
                    _(
                        "Le dossier %(ref)s est suivi par un·e collègue : demandez-lui, ou à un·e responsable d'équipe, de le lier."
                    )
                    % {"ref": household.reference}
                )
            services.link_dossier(registration, household)
            record(request, Action.CHANGE, household, detail=f"lié à l'inscription à l'événement {event.pk}")
            messages.success(
                request,
                _("%(name)s est liée au dossier %(ref)s.")
                % {"name": registration.name, "ref": household.reference},
            )
            return redirect(household)
        household, created = services.open_dossier(registration, by=request.user)
        if created:
            record(request, Action.CREATE, household, detail=f"ouverture après l'événement {event.pk}")
            messages.success(request, _("Dossier %(ref)s ouvert.") % {"ref": household.reference})
        return redirect(household)
    matches = [] if registration.household_id else services.dossiers_matching(registration)
    return render_staff(
        request,
        "evenements/staff/dossier.html",
        {
            "event": event,
            "registration": registration,
            "matches": [(h, request.user.has_perm("accompagnement.edit_dossier", h)) for h in matches],
        },
    )


@role_required(*FIGURES_ROLES)
def event_figures(request, pk):
    event = _event(pk)
    published = figures.publish(figures.compute(event))
    return render_staff(
        request,
        "evenements/staff/figures.html",
        {"event": event, "data": published, "hidden_note": hidden_note()},
    )


@require_POST
@role_required(*EVENT_ROLES)
def cancel_event(request, pk):
    """Cancel the event and tell everyone signed up (asked for on the attendee page, with a confirmation)."""
    event = _event(pk)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Cochez la case de confirmation pour annuler l'événement."))
        return redirect("evenements_staff:attendees", pk=event.pk)
    told = services.cancel_event(event, by=request.user)
    record(request, Action.CHANGE, event, detail="événement annulé")
    messages.success(
        request, _("Événement annulé ; %(n)d personne(s) prévenue(s) par courriel.") % {"n": len(told)}
    )
    return redirect("evenements_staff:attendees", pk=event.pk)
