"""Letters to the family: the welcome pack as a PDF (WeasyPrint) and the e-mails sent from a dossier.

Everything sent carries the advisor's name and phone and the service's contact; every e-mail is kept in
the dossier's history (an exchange of kind "courriel" with its subject and text).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .enums import InteractionKind
from .models import AdvisorProfile, Interaction


@dataclass(frozen=True)
class Letter:
    key: str
    label: str
    subject: str
    template: str
    attach_pack: bool = False


LETTERS = {
    letter.key: letter
    for letter in [
        Letter(
            "livret",
            gettext_lazy("Livret d'accueil (PDF joint)"),
            gettext_lazy("Votre livret d'accueil"),
            "accompagnement/email/letter_welcome_pack.txt",
            attach_pack=True,
        ),
        Letter(
            "bienvenue",
            gettext_lazy("Bienvenue et premier contact"),
            gettext_lazy("Bienvenue : votre accompagnement pour vous installer"),
            "accompagnement/email/letter_welcome.txt",
        ),
        Letter(
            "documents",
            gettext_lazy("Documents à préparer"),
            gettext_lazy("Les documents à préparer pour votre installation"),
            "accompagnement/email/letter_documents.txt",
        ),
        Letter(
            "nouvelles",
            gettext_lazy("Prendre des nouvelles"),
            gettext_lazy("Comment se passe votre installation ?"),
            "accompagnement/email/letter_checkin.txt",
        ),
    ]
}


def service_contact():
    """The service's own contact (settings OSEZ_SERVICE_*, empty when not configured)."""
    return {
        "name": settings.OSEZ_SITE_NAME,
        "email": getattr(settings, "OSEZ_SERVICE_EMAIL", "") or settings.OSEZ_ADVISORS_EMAIL,
        "phone": getattr(settings, "OSEZ_SERVICE_PHONE", ""),
        "address": getattr(settings, "OSEZ_SERVICE_ADDRESS", ""),
        "hours": getattr(settings, "OSEZ_SERVICE_HOURS", ""),
    }


def advisor_contact(household, fallback=None):
    """Name, e-mail and phone of whoever follows the family (the sender when the dossier is unassigned)."""
    user = household.advisor or fallback
    if user is None:
        return None
    profile = AdvisorProfile.objects.filter(user=user).first()
    return {
        "name": user.get_full_name() or user.get_username(),
        "email": user.email,
        "phone": profile.phone if profile else "",
    }


def welcome_pack_pdf(html):
    """The welcome pack's HTML as PDF bytes, with the staff stylesheet's print rules."""
    from weasyprint import CSS, HTML  # imported here: Pango is loaded only when a PDF is made

    stylesheet = finders.find("css/staff.css")
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None
    )


def send_letter(household, letter, *, to, by, message="", pack_html=None):
    """Send ``letter`` to ``to``; the e-mail (subject and text) is added to the dossier's history."""
    context = {
        "household": household,
        "advisor": advisor_contact(household, fallback=by),
        "service": service_contact(),
        "message": message.strip(),
        "base_url": settings.OSEZ_BASE_URL,
    }
    body = render_to_string(letter.template, context)
    subject = f"{letter.subject} — {household.reference}"
    email = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], reply_to=_reply_to(context))
    if letter.attach_pack and pack_html is not None:
        email.attach(
            f"livret-accueil-{household.reference}.pdf", welcome_pack_pdf(pack_html), "application/pdf"
        )
    email.send()
    attachment = _(" (livret d'accueil en PDF joint)") if letter.attach_pack else ""
    return Interaction.objects.create(
        household=household,
        kind=InteractionKind.EMAIL,
        happened_on=timezone.localdate(),
        author=by,
        text=_("Courriel envoyé à %(to)s%(att)s : « %(subject)s »\n\n%(body)s")
        % {"to": to, "att": attachment, "subject": subject, "body": body},
    )


def _reply_to(context):
    address = (context["advisor"] or {}).get("email") or context["service"]["email"]
    return [address] if address else None
