"""Forms of the employer space (kit, referral) and of the staff's account creation."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from communes.text import fold

from .models import COMMUTE_MAX_KM, COMMUTE_MIN_KM


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def find_commune(text):
    """The territory's commune named or numbered by ``text`` (code INSEE, name, or "Name (code)")."""
    text = (text or "").strip()
    territory = Commune.objects.filter(departement_id__in=settings.OSEZ_DEPARTEMENTS, is_active=True)
    if text.endswith(")") and "(" in text:
        text = text.rsplit("(", 1)[1].rstrip(")").strip()
    if text.isdigit() or (len(text) == 5 and text[:2].upper() in ("2A", "2B")):
        found = territory.filter(code_insee=text.upper()).first()
        return [found] if found else []
    folded = fold(text)
    if not folded:
        return []
    exact = [c for c in territory.search(text).only("code_insee", "name") if fold(c.name) == folded]
    return exact or list(territory.search(text).only("code_insee", "name")[:6])


class KitForm(forms.Form):
    job_title = forms.CharField(
        label=_("Intitulé du poste"), max_length=200, help_text=_("Par exemple : infirmier·ère de bloc.")
    )
    workplace = forms.CharField(
        label=_("Commune du lieu de travail"),
        max_length=200,
        help_text=_("Son nom ou son code INSEE, par exemple Troyes ou 10387."),
    )
    commute_km = forms.IntegerField(
        label=_("Trajet accepté (km)"),
        initial=20,
        help_text=_(
            "Distance à vol d'oiseau entre le lieu de travail et la commune où vivre, de %(min)d à %(max)d km."
        )
        % {"min": COMMUTE_MIN_KM, "max": COMMUTE_MAX_KM},
        error_messages={"invalid": _("Indiquez un nombre de kilomètres, par exemple 20.")},
    )

    def clean_workplace(self):
        text = self.cleaned_data["workplace"]
        found = find_commune(text)
        if not found:
            raise forms.ValidationError(
                _("Nous ne trouvons pas la commune « %(text)s » dans le territoire. Vérifiez l'orthographe "
                  "ou indiquez son code INSEE.") % {"text": text}
            )  # fmt: skip
        if len(found) > 1:
            names = ", ".join(f"{c.name} ({c.code_insee})" for c in found)
            raise forms.ValidationError(
                _("Plusieurs communes correspondent : %(names)s. Précisez le code INSEE.") % {"names": names}
            )
        return found[0]

    def clean_commute_km(self):
        km = self.cleaned_data["commute_km"]
        if not COMMUTE_MIN_KM <= km <= COMMUTE_MAX_KM:
            raise forms.ValidationError(
                _("Choisissez un trajet entre %(min)d et %(max)d km : au-delà, la zone couvrirait tout le "
                  "département.") % {"min": COMMUTE_MIN_KM, "max": COMMUTE_MAX_KM}
            )  # fmt: skip
        return km


class ReferralForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom du ou de la salarié·e"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    email = forms.EmailField(label=_("Courriel"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    job_title = forms.CharField(label=_("Poste"), max_length=200, required=False)
    origin = forms.CharField(
        label=_("Vient de"),
        max_length=200,
        required=False,
        help_text=_("Ville ou région d'où la famille arrive."),
    )
    adults = forms.IntegerField(
        label=_("Nombre d'adultes dans la famille"), min_value=1, max_value=8, initial=1,
        error_messages={"min_value": _("Au moins un adulte : le ou la salarié·e."),
                        "max_value": _("8 adultes au plus."),
                        "invalid": _("Indiquez un nombre, par exemple 2.")},
    )  # fmt: skip
    children = forms.CharField(
        label=_("Années de naissance des enfants"),
        required=False,
        help_text=_(
            "Séparées par des virgules, par exemple : 2015, 2019. Laissez vide s'il n'y a pas d'enfant."
        ),
    )
    arrival_date = forms.DateField(label=_("Date d'arrivée prévue"), required=False, widget=DateInput())
    consent_contact = forms.BooleanField(
        label=_("Le ou la salarié·e accepte d'être contacté·e par le service d'accueil"), required=False
    )
    consent_share_stage = forms.BooleanField(
        label=_("Il ou elle accepte que nous voyions l'étape de son installation (l'étape seulement)"),
        required=False,
        help_text=_(
            "Vous ne verrez jamais le contenu de son dossier. Il ou elle peut retirer cet accord à tout moment."
        ),
    )

    def clean_children(self):
        raw = self.cleaned_data.get("children", "")
        years = []
        this_year = timezone.localdate().year
        for part in raw.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not (this_year - 30 <= int(part) <= this_year + 1):
                raise forms.ValidationError(
                    _("« %(value)s » n'est pas une année de naissance (entre %(low)d et %(high)d).")
                    % {"value": part, "low": this_year - 30, "high": this_year + 1}
                )
            years.append(int(part))
        if len(years) > 12:
            raise forms.ValidationError(_("12 enfants au plus."))
        return years

    def clean_arrival_date(self):
        day = self.cleaned_data.get("arrival_date")
        today = timezone.localdate()
        if day and not (today - datetime.timedelta(days=365) <= day <= today + datetime.timedelta(days=730)):
            raise forms.ValidationError(_("Indiquez une date entre il y a un an et dans deux ans."))
        return day

    def clean(self):
        data = super().clean()
        if not data.get("consent_contact"):
            self.add_error(
                "consent_contact",
                _("Sans l'accord du ou de la salarié·e pour être contacté·e, le service ne peut pas ouvrir de "
                  "dossier : demandez-lui son accord, puis cochez la case."),
            )  # fmt: skip
        if not data.get("email") and not (data.get("phone") or "").strip():
            self.add_error(
                "email", _("Indiquez un courriel ou un téléphone : le service doit pouvoir le ou la joindre.")
            )
        return data


class AccountForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(label=_("Courriel professionnel"))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        users = get_user_model().objects
        if users.filter(email__iexact=email).exists() or users.filter(username__iexact=email).exists():
            raise forms.ValidationError(_("Un compte existe déjà avec ce courriel."))
        return email
