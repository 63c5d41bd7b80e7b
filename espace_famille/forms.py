"""Forms of the family space: each error names the field in words and keeps what was typed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .attachments import check_attachment


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        help_text=_("Celle que vous avez donnée à l'équipe Osez."),
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("L'adresse électronique n'est pas valide : vérifiez-la (exemple : nom@exemple.fr)."),
        },
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Votre message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Le message est vide : écrivez quelques mots avant de l'envoyer."),
            "max_length": _("Le message est trop long (%(limit_value)d caractères au plus)."),
        },
    )
    attachment = forms.FileField(
        label=_("Joindre un document (facultatif)"),
        required=False,
        help_text=_("PDF, JPEG ou PNG, 5 Mo au plus."),
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Le message est vide : écrivez quelques mots avant de l'envoyer."))
        return text

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            self.checked = check_attachment(upload)
        else:
            self.checked = None
        return upload


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Sur une échelle de 0 à 10, à quel point vous sentez-vous installés ?"),
        choices=[(str(n), str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez une note de 0 à 10."),
            "invalid_choice": _("Choisissez une note de 0 à 10."),
        },
    )
    missing = forms.CharField(
        label=_("Qu'est-ce qui vous manque encore ? (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Votre réponse est trop longue (%(limit_value)d caractères au plus).")
        },
    )
