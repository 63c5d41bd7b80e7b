"""The public sign-up form and the staff forms of the events."""

import re

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portail.forms import PublicContactMixin

from .models import CONSENT_TEXT

MAX_PARTY = 10


def _with_max(message):
    """The message with the limit filled in, translated when it is shown: ``_("…") % {…}`` written in the class
    body would be translated once, at import, in French, and the English page would show it in French."""
    return lazy(lambda: message % {"max": MAX_PARTY}, str)()


class SignUpForm(PublicContactMixin, forms.Form):
    name = forms.CharField(
        label=_("Prénom et nom"),
        max_length=150,
        error_messages={"required": _("Indiquez votre prénom et votre nom.")},
    )
    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_(
            "Format attendu : nom@exemple.fr. La confirmation et le lien d'annulation y sont envoyés."
        ),
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("L'adresse électronique n'est pas valide : elle doit ressembler à nom@exemple.fr."),
        },
    )
    party_size = forms.IntegerField(
        label=_("Nombre de personnes (vous compris)"),
        min_value=1,
        max_value=MAX_PARTY,
        initial=1,
        error_messages={
            "required": _("Indiquez combien de personnes viendront."),
            "invalid": _with_max(_("Indiquez un nombre de personnes entre 1 et %(max)d.")),
            "min_value": _with_max(_("Indiquez un nombre de personnes entre 1 et %(max)d.")),
            "max_value": _with_max(
                _("Au-delà de %(max)d personnes, écrivez-nous : nous organiserons votre venue ensemble.")
            ),
        },
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=30,
        help_text=_("Pour vous prévenir d'un changement de dernière minute, par exemple : 06 12 34 56 78."),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={
            "required": _("Votre accord est nécessaire pour que nous enregistrions votre inscription.")
        },
    )
    # Honeypot: hidden from people (CSS and aria-hidden wrapper), filled by robots that fill every field.
    website = forms.CharField(label=_("Ne remplissez pas ce champ"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["party_size"].widget.attrs.update(min=1, max=MAX_PARTY)
        self.set_contact_widgets()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not re.search(r"\w", name):
            raise forms.ValidationError(_("Indiquez votre prénom et votre nom."))
        return name


class LinkDossierForm(forms.Form):
    """Staff: open a dossier for the person, or link the one chosen among those found."""

    household = forms.IntegerField(required=False, widget=forms.HiddenInput)
