"""Forms of the public site: directory filters, the household finder, comparison and the request for support."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import search
from communes.models import EPCI, Commune

from . import campaign, finder
from .enums import ArrivalHorizon, ContactPreference, Need
from .models import CONSENT_TEXT_VERSION, SupportRequest

# The consent wording per version; a request stores the version the family ticked.
CONSENT_TEXTS = {
    "2026-11-v1": _(
        "J'accepte que l'équipe d'accueil conserve ces informations pour m'accompagner dans mon installation "
        "et me contacte à ce sujet. Elles ne sont transmises à personne sans mon accord."
    ),
}

POPULATION_BANDS = {
    "lt500": (_("moins de 500 habitants"), None, 500),
    "500-2000": (_("de 500 à 2 000 habitants"), 500, 2000),
    "2000-10000": (_("de 2 000 à 10 000 habitants"), 2000, 10000),
    "gte10000": (_("10 000 habitants ou plus"), 10000, None),
}
SEARCH_LIMIT = 200
SORTS = {
    "name": (_("nom, de A à Z"), ("name", "code_insee")),
    "-name": (_("nom, de Z à A"), ("-name", "-code_insee")),
    "-population": (_("population, la plus grande d'abord"), ("-population", "name")),
    "population": (_("population, la plus petite d'abord"), ("population", "name")),
}


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=_("Nom ou code postal"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    epci = forms.ModelChoiceField(
        label=_("Intercommunalité"), queryset=EPCI.objects.all(), required=False, empty_label=_("Toutes")
    )
    population = forms.ChoiceField(
        label=_("Population"),
        required=False,
        choices=[("", _("Toutes")), *[(k, v[0]) for k, v in POPULATION_BANDS.items()]],
    )
    sort = forms.ChoiceField(
        label=_("Trier par"), required=False, choices=[(k, v[0]) for k, v in SORTS.items()]
    )
    corrected = None  # "tryes" → the names it was read as, said above the results

    def clean_q(self):
        try:
            return search.check_query(self.cleaned_data.get("q", ""))
        except search.QueryTooLong as exc:
            raise forms.ValidationError(str(exc), code="too_long") from exc

    def filter(self, queryset):
        """Applies the valid filters; an invalid one is ignored (the form shows why).

        A search keeps the matcher's order (exact names, then prefixes, words, look-alikes) unless the
        person chose a sort.
        """
        self.is_valid()  # cleaned_data then holds the valid fields only
        data = getattr(self, "cleaned_data", {})
        ranked = None
        if data.get("q"):
            matches = search.search(data["q"], limit=SEARCH_LIMIT)
            ranked = [m.code for m in matches]
            fuzzy = [m.name for m in matches if m.kind == search.FUZZY]
            if fuzzy and len(fuzzy) == len(matches):
                self.corrected = fuzzy[:3]
            queryset = queryset.filter(pk__in=ranked)
        if data.get("epci"):
            queryset = queryset.filter(epci=data["epci"])
        band = POPULATION_BANDS.get(data.get("population") or "")
        if band:
            _label, low, high = band
            if low is not None:
                queryset = queryset.filter(population__gte=low)
            if high is not None:
                queryset = queryset.filter(population__lt=high)
        if ranked and not data.get("sort"):
            order = Case(
                *(When(pk=code, then=Value(i)) for i, code in enumerate(ranked)), output_field=IntegerField()
            )
            return queryset.order_by(order, "name")
        return queryset.order_by(*SORTS[data.get("sort") or "name"][1])


def resolve_commune(text, queryset=None):
    """A commune from a name (typos forgiven), a postcode or a code INSEE (communes.search); raises
    ValidationError saying what was understood and what to do."""
    queryset = queryset if queryset is not None else Commune.objects.active()
    try:
        understood = search.understand(text)
    except search.QueryTooLong as exc:
        raise forms.ValidationError(str(exc), code="too_long") from exc
    commune = queryset.filter(pk=understood.commune.code).first() if understood.ok else None
    if commune is not None:
        return commune
    if understood.choices:
        names = ", ".join(search.label(e) for e in understood.choices[:5])
        raise forms.ValidationError(
            _("%(question)s Par exemple : %(names)s. Écrivez le nom complet ou le code postal."),
            params={"question": understood.message, "names": names},
            code="ambiguous",
        )
    raise forms.ValidationError(
        understood.message
        or _(
            "Aucune commune ne correspond à « %(text)s ». Vérifiez l'orthographe ou saisissez le code postal."
        )
        % {"text": text},
        code="unknown",
    )


DISTANCE_CHOICES = [("", _("Peu importe")), ("5", _("5 km")), ("10", _("10 km")), ("20", _("20 km"))]


EXTRA_NEED_CHOICES = [
    ("creche", _("une crèche (pas seulement une assistante maternelle)")),
    ("college", _("un collège")),
    ("lycee", _("un lycée")),
]
WORKPLACE_HELP = _("Nom de la commune (les fautes de frappe sont corrigées), code postal ou code INSEE.")


def _distance_field(label):
    """An optional "at most N km" choice of the finder (one per kind of place)."""
    return forms.TypedChoiceField(
        label=label, required=False, choices=DISTANCE_CHOICES, coerce=int, empty_value=None
    )


class FinderForm(forms.Form):
    """Every field optional but one of them needed; GET parameters, so the result's URL can be shared."""

    work_1 = forms.CharField(
        label=_("Commune du premier lieu de travail"),
        required=False,
        help_text=WORKPLACE_HELP,
        widget=forms.TextInput(attrs={"maxlength": search.MAX_QUERY_CHARS, "autocomplete": "off"}),
    )
    km_1 = forms.IntegerField(
        label=_("Distance maximale acceptée, à vol d'oiseau (km)"),
        required=False,
        min_value=1,
        max_value=200,
        initial=30,
    )
    work_2 = forms.CharField(
        label=_("Commune du second lieu de travail (facultatif)"),
        required=False,
        help_text=_("Si les deux adultes travaillent."),
        widget=forms.TextInput(attrs={"maxlength": search.MAX_QUERY_CHARS, "autocomplete": "off"}),
    )
    km_2 = forms.IntegerField(
        label=_("Distance maximale acceptée pour ce second lieu, à vol d'oiseau (km)"),
        required=False,
        min_value=1,
        max_value=200,
        initial=30,
    )
    ages = forms.CharField(
        label=_("Âge des enfants"),
        required=False,
        max_length=60,
        help_text=_("Séparés par des virgules, par exemple : 1, 4, 9. Laissez vide sans enfant."),
    )
    extra = forms.MultipleChoiceField(
        label=_("Vous cherchez aussi, à proximité"),
        required=False,
        choices=EXTRA_NEED_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    gp_km = _distance_field(_("Un médecin généraliste à moins de"))
    pharmacy_km = _distance_field(_("Une pharmacie à moins de"))
    dentist_km = _distance_field(_("Un dentiste à moins de"))
    vet_km = _distance_field(_("Un vétérinaire à moins de"))
    sport = forms.MultipleChoiceField(
        label=_("Les sports pratiqués (à moins de 15 km)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    size = forms.ChoiceField(
        label=_("Vous préférez"),
        required=False,
        choices=[("", _("Peu importe")), *[(k, v[0]) for k, v in finder.SIZE_BANDS.items()]],
    )

    def __init__(self, *args, sport_layers=(), figure_fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sport"].choices = list(sport_layers)
        # What each workplace field was understood as, and the communes to offer when it was not.
        self.understood = {}
        self.workplace_choices = {}
        # Criteria on commune indicators, offered only where the territory has their figures.
        self.figure_names = []
        for name, criteria in (figure_fields or {}).items():
            legend = finder.FIGURE_FIELDS[name][0]
            self.fields[name] = forms.ChoiceField(
                label=legend,
                required=False,
                choices=[("", _("Peu importe")), *((c.key, c.choice) for c in criteria)],
            )
            self.figure_names.append(name)

    @property
    def figure_fields(self):
        return [self[name] for name in self.figure_names]

    def _clean_workplace(self, name):
        text = self.cleaned_data.get(name, "")
        if not text:
            return None
        try:
            understood = search.understand(text)
        except search.QueryTooLong as exc:
            raise forms.ValidationError(str(exc), code="too_long") from exc
        if not understood.ok:
            self.workplace_choices[name] = understood.choices
            raise forms.ValidationError(
                understood.message, code="ambiguous" if understood.choices else "unknown"
            )
        self.understood[name] = understood
        return Commune.objects.filter(pk=understood.commune.code).first()

    def clean_work_1(self):
        return self._clean_workplace("work_1")

    def clean_work_2(self):
        return self._clean_workplace("work_2")

    def clean_ages(self):
        text = self.cleaned_data.get("ages", "")
        parts = [p for p in re.split(r"[,;\s]+", text) if p]
        ages = []
        for part in parts:
            if not part.isdigit() or int(part) > 25:
                raise forms.ValidationError(
                    _(
                        "« %(value)s » n'est pas un âge : écrivez des nombres entre 0 et 25, séparés par des virgules."
                    ),
                    params={"value": part},
                    code="invalid",
                )
            ages.append(int(part))
        if len(ages) > 12:
            raise forms.ValidationError(_("Indiquez au plus 12 enfants."), code="too_many")
        return ages

    def clean(self):
        data = super().clean()
        criteria = ("work_1", "work_2", "ages", "extra", "gp_km", "pharmacy_km", "dentist_km", "vet_km", "sport",
                    "size", *self.figure_names)  # fmt: skip
        if not self.errors and not any(data.get(k) for k in criteria):
            raise forms.ValidationError(
                _(
                    "Indiquez au moins un critère : un lieu de travail, l'âge des enfants ou ce qui compte pour vous."
                ),
                code="empty",
            )
        if data.get("work_2") and not data.get("work_1"):
            data["work_1"], data["km_1"], data["work_2"] = data["work_2"], data.get("km_2"), None
            if "work_2" in self.understood:
                self.understood["work_1"] = self.understood.pop("work_2")
        return data

    def understood_lines(self):
        """ "Lieu de travail : Sainte-Savine (10300), d'après le code postal", per workplace, with its note
        and the other commune the same number names (to switch to it)."""
        lines = []
        for name in ("work_1", "work_2"):
            understood = self.understood.get(name)
            if understood is None:
                continue
            lines.append(
                {
                    "field": name,
                    "text": search.how_text(understood),
                    "note": understood.note,
                    "alternatives": [(e, search.choice_value(e)) for e in understood.alternatives],
                }
            )
        return lines

    def criteria(self) -> finder.Criteria:
        data = self.cleaned_data
        workplaces = []
        for name, km in (("work_1", "km_1"), ("work_2", "km_2")):
            commune = data.get(name)
            if commune and commune.latitude is not None:
                workplaces.append(
                    finder.Workplace(
                        name=commune.name,
                        code=commune.pk,
                        latitude=commune.latitude,
                        longitude=commune.longitude,
                        max_km=data.get(km) or 30,
                    )
                )
        return finder.Criteria(
            workplaces=workplaces,
            child_ages=data.get("ages") or [],
            gp_km=data.get("gp_km"),
            pharmacy_km=data.get("pharmacy_km"),
            dentist_km=data.get("dentist_km"),
            vet_km=data.get("vet_km"),
            sports=list(data.get("sport") or []),
            extra=list(data.get("extra") or []),
            size=data.get("size") or None,
            figures=[finder.FIGURE_CRITERIA[data[name]] for name in self.figure_names if data.get(name)],
        )


class CommuneListField(forms.CharField):
    """Communes typed as text, separated by commas or new lines, each resolved like the finder's."""

    def clean(self, value):
        value = super().clean(value)
        communes, errors = [], []
        for part in [p.strip() for p in re.split(r"[,;\n]+", value or "") if p.strip()][:10]:
            try:
                commune = resolve_commune(part)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
                continue
            if commune not in communes:
                communes.append(commune)
        if errors:
            raise forms.ValidationError(errors)
        return communes


class PublicContactMixin:
    """What the public forms asking a family for its details share (a support request, an event sign-up):
    an optional phone number typed freely, and the honeypot field ``website`` a person never sees, so a
    robot that fills it is recognised (``is_spam``) without a captcha. The fields are declared by each form."""

    def set_contact_widgets(self):
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    @property
    def is_spam(self):
        return bool(self.data.get(self.add_prefix("website")))

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not re.fullmatch(r"\+?[\d .()-]{6,25}", phone):
            raise forms.ValidationError(
                _("Le numéro de téléphone ne doit contenir que des chiffres, espaces et +.")
            )
        return phone


class SupportRequestForm(PublicContactMixin, forms.ModelForm):
    # Not required, so older links and clients keep working: unanswered, a family that gives a phone
    # number is called, one that does not is written to (and the confirmation says which).
    contact_preference = forms.ChoiceField(
        label=_("Comment préférez-vous être contacté ?"),
        choices=ContactPreference.choices,
        initial=ContactPreference.PHONE,
        required=False,
        widget=forms.RadioSelect,
    )
    children_birth_years = forms.CharField(
        label=_("Âge ou année de naissance des enfants"),
        required=False,
        max_length=80,
        help_text=_(
            "Séparés par des virgules, par exemple : 3, 8 (des âges) ou 2016, 2021 (des années). "
            "Laissez vide sans enfant."
        ),
    )
    # Carried by the form from its first display: a second POST of the same form is the same request.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    communes_considered = CommuneListField(
        label=_("Communes envisagées"),
        required=False,
        max_length=500,
        help_text=_("Séparées par des virgules. Laissez vide si vous ne savez pas encore."),
    )
    needs = forms.MultipleChoiceField(
        label=_("Vous souhaitez de l'aide pour"),
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un besoin.")},
    )
    arrival_horizon = forms.ChoiceField(
        label=_("Votre arrivée est prévue"),
        choices=ArrivalHorizon.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Indiquez quand votre arrivée est prévue.")},
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXTS[CONSENT_TEXT_VERSION],
        error_messages={
            "required": _("Votre accord est nécessaire pour que nous puissions vous accompagner.")
        },
    )
    # Honeypot: hidden from people (CSS and aria-hidden wrapper), filled by robots that fill every field.
    website = forms.CharField(label=_("Ne remplissez pas ce champ"), required=False)
    # Where the family came from (campaign parameters, the event that referred it), filled by the page
    # from the address it arrived by (static/js/campaign.js) or by a link; cleaned, never refused.
    campaign_source = forms.CharField(widget=forms.HiddenInput, required=False)
    campaign_medium = forms.CharField(widget=forms.HiddenInput, required=False)
    campaign_name = forms.CharField(widget=forms.HiddenInput, required=False)
    referral = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SupportRequest
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "adults",
            "origin",
            "employer",
            "message",
        ]
        labels = {
            "first_name": _("Prénom"),
            "last_name": _("Nom"),
            "email": _("Adresse électronique"),
            "phone": _("Téléphone"),
            "adults": _("Nombre d'adultes dans le foyer"),
            "origin": _("Vous habitez actuellement à"),
            "employer": _("Employeur dans le département (si vous le connaissez)"),
            "message": _("Votre message (facultatif)"),
        }
        help_texts = {
            "email": _("Format attendu : nom@exemple.fr"),
            "phone": _("Nécessaire si vous préférez être appelé, par exemple : 06 12 34 56 78."),
            "origin": _("Ville ou pays, par exemple : Lyon"),
        }
        error_messages = {
            "first_name": {"required": _("Indiquez votre prénom.")},
            "last_name": {"required": _("Indiquez votre nom.")},
            "email": {
                "required": _("Indiquez votre adresse électronique."),
                "invalid": _(
                    "L'adresse électronique n'est pas valide : elle doit ressembler à nom@exemple.fr."
                ),
            },
            "origin": {"required": _("Indiquez où vous habitez actuellement.")},
            "adults": {"invalid": _("Indiquez un nombre d'adultes entre 1 et 6.")},
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}

    field_order = [
        "first_name",
        "last_name",
        "email",
        "contact_preference",
        "phone",
        "adults",
        "children_birth_years",
        "origin",
        "communes_considered",
        "needs",
        "arrival_horizon",
        "employer",
        "message",
        "consent",
        "website",
        "submission_key",
        "campaign_source",
        "campaign_medium",
        "campaign_name",
        "referral",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adults"].min_value = 1
        self.fields["adults"].max_value = 6
        self.fields["adults"].widget.attrs.update(min=1, max=6)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.set_contact_widgets()

    def clean_submission_key(self):
        """A key that is not one we issued (edited page, old form) is no error the family could fix:
        the request is then simply not deduplicated."""
        import uuid

        try:
            return uuid.UUID(self.cleaned_data.get("submission_key") or "")
        except ValueError:
            return None

    def _clean_campaign(self, name):
        return campaign.clean(self.cleaned_data.get(name, ""))

    def clean_campaign_source(self):
        return self._clean_campaign("campaign_source")

    def clean_campaign_medium(self):
        return self._clean_campaign("campaign_medium")

    def clean_campaign_name(self):
        return self._clean_campaign("campaign_name")

    def clean_referral(self):
        return self._clean_campaign("referral")

    def clean_adults(self):
        adults = self.cleaned_data.get("adults")
        if adults is None or not 1 <= adults <= 6:
            raise forms.ValidationError(self.Meta.error_messages["adults"]["invalid"])
        return adults

    def clean_children_birth_years(self):
        """Ages (0 to 25, as the finder passes them: "3, 8") or birth years ("2016, 2021"), in any mix;
        returns [(birth year, age or None)]. "ans" after an age is allowed."""
        text = self.cleaned_data.get("children_birth_years", "")
        this_year = timezone.localdate().year
        children = []
        for part in [p for p in re.split(r"[,;\s]+", text) if p and p.lower() not in ("an", "ans")]:
            if part.isdigit() and int(part) <= 25:
                children.append((this_year - int(part), int(part)))
            elif part.isdigit() and this_year - 30 <= int(part) <= this_year + 1:
                children.append((int(part), None))
            else:
                raise forms.ValidationError(
                    _(
                        "« %(value)s » n'est ni un âge ni une année de naissance : écrivez par exemple 3, 8 "
                        "ou 2016, 2021."
                    ),
                    params={"value": part},
                    code="invalid",
                )
        if len(children) > 12:
            raise forms.ValidationError(_("Indiquez au plus 12 enfants."), code="too_many")
        return children

    def clean(self):
        data = super().clean()
        if not data.get("contact_preference"):
            data["contact_preference"] = (
                ContactPreference.PHONE if data.get("phone") else ContactPreference.EMAIL
            )
        wants_call = data.get("contact_preference") == ContactPreference.PHONE
        if wants_call and not data.get("phone") and "phone" not in self.errors:
            self.add_error(
                "phone",
                _("Indiquez votre numéro de téléphone, ou choisissez d'être contacté par courriel."),
            )
        return data

    def save(self, commit=True):
        instance = super().save(commit=False)
        # "birth_year" is what the back-office reads; from an age it is this year minus the age (a year early
        # for a child whose birthday is still to come), so the age as given is kept beside it.
        instance.children = [
            {"birth_year": year} if age is None else {"birth_year": year, "age": age}
            for year, age in self.cleaned_data.get("children_birth_years", [])
        ]
        instance.contact_preference = self.cleaned_data["contact_preference"]
        instance.submission_key = self.cleaned_data.get("submission_key")
        instance.needs = list(self.cleaned_data["needs"])
        instance.arrival_horizon = self.cleaned_data["arrival_horizon"]
        instance.consent_text_version = CONSENT_TEXT_VERSION
        instance.consent_given_at = timezone.now()
        for name in campaign.FIELDS:
            setattr(instance, name, self.cleaned_data.get(name, ""))
        if commit:
            instance.save()
            instance.communes_considered.set(self.cleaned_data.get("communes_considered") or [])
        return instance


def support_request_rate(group, request):
    """django-ratelimit rate, read at request time so tests and operators can change it."""
    return getattr(settings, "OSEZ_SUPPORT_REQUEST_RATE", "10/h")
