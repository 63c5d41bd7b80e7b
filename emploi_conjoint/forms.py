"""Forms of the HR workspace, with French labels and help texts written for people, not engineers."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompagnement.models import Adult
from communes.models import Commune
from osez import roles
from osez.locking import VersionedFormMixin
from partenaires.models import Organisation, partner_organisations

from . import jobs
from .cv import ACCEPTED_LABEL, check_cv
from .enums import ContractType, Outcome, RefusalReason, Stage, StepKind
from .models import Candidate, Introduction, Opportunity


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def territory_communes():
    return Commune.objects.filter(departement_id__in=settings.OSEZ_DEPARTEMENTS, is_active=True).order_by(
        "name"
    )


def hr_users():
    return roles.users_with_role(roles.HR, roles.ADMIN).order_by("first_name", "username")


def adults_who_may_be_followed(household=None):
    """Adults of open dossiers with a live spouse-job need, without a job follow-up yet."""
    from accompagnement.enums import Need, NeedState
    from accompagnement.enums import Stage as DossierStage
    from accompagnement.models import HouseholdNeed

    live_needs = (
        HouseholdNeed.objects.filter(kind=Need.SPOUSE_JOB)
        .exclude(state=NeedState.NOT_APPLICABLE)
        .values("household_id")
    )
    qs = Adult.objects.filter(candidate__isnull=True, household_id__in=live_needs).exclude(
        household__stage=DossierStage.CLOSED
    )
    if household is not None:
        qs = qs.filter(household=household)
    return qs.select_related("household").order_by("household__reference", "first_name")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class AdultChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} — {_('dossier')} {obj.household.reference}"


class CandidateForm(VersionedFormMixin, forms.ModelForm):
    wished_jobs = forms.MultipleChoiceField(
        label=_("Choix dans la liste des métiers (codes ROME)"),
        choices=jobs.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Choisissez un ou plusieurs métiers (codes ROME) : les offres sont proposées sur eux. "
            "Laissez vide pour lire les métiers tapés ci-dessus."
        ),
    )
    driving_licence = forms.NullBooleanField(
        label=_("Permis B"),
        required=False,
        widget=forms.NullBooleanSelect,
    )
    contract_types = forms.MultipleChoiceField(
        label=_("Contrats acceptés"),
        choices=ContractType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Ne rien cocher si tous les contrats conviennent."),
    )

    class Meta:
        model = Candidate
        fields = [
            "adult",
            "hr_specialist",
            "current_job",
            "past_jobs",
            "qualifications",
            "skills",
            "languages",
            "wished_roles",
            "wished_jobs",
            "wished_sectors",
            "work_time",
            "contract_types",
            "home_commune",
            "commute_km",
            "available_from",
            "constraints",
            "no_nights",
            "driving_licence",
        ]
        widgets = {
            "available_from": DateInput(),
            "past_jobs": forms.Textarea(attrs={"rows": 3}),
            "qualifications": forms.Textarea(attrs={"rows": 3}),
            "skills": forms.Textarea(attrs={"rows": 2}),
            "wished_roles": forms.Textarea(attrs={"rows": 2}),
            "wished_sectors": forms.Textarea(attrs={"rows": 2}),
            "constraints": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"adult": AdultChoiceField, "hr_specialist": StaffChoiceField}

    # Shown as fieldsets, in the order an HR specialist fills them during the first interview.
    groups = [
        (_("La personne"), ["adult", "hr_specialist"]),
        (_("Son parcours"), ["current_job", "past_jobs", "qualifications", "skills", "languages"]),
        (
            _("Ce qu'elle ou il cherche"),
            ["wished_roles", "wished_jobs", "wished_sectors", "work_time", "contract_types"],
        ),
        (
            _("Trajets, disponibilité et contraintes"),
            ["home_commune", "commute_km", "available_from", "no_nights", "driving_licence", "constraints"],
        ),
    ]

    def grouped_fields(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.groups
            if any(name in self.fields for name in names)
        ]

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["adult"]
        else:
            # Only adults of open dossiers where the advisor recorded a spouse-job need, not yet followed
            # (one job search per person); opened from a dossier, only that dossier's adults.
            self.fields["adult"].queryset = adults_who_may_be_followed(household)
            self.fields["adult"].help_text = _(
                "Seuls les adultes des dossiers ouverts avec un besoin « Emploi du conjoint » sont proposés."
            )
        self.fields["hr_specialist"].queryset = hr_users()
        self.fields["home_commune"].queryset = territory_communes()
        self.fields["home_commune"].required = False


class MoveForm(forms.Form):
    target = forms.ChoiceField(label=_("Nouvelle étape"), choices=Stage.choices)
    reason = forms.CharField(
        label=_("Pourquoi"),
        max_length=300,
        required=False,
        help_text=_("Obligatoire pour une pause, un abandon ou un retour en arrière."),
    )
    expected_stage = forms.CharField(widget=forms.HiddenInput, required=False)


class ConsentForm(forms.Form):
    agreed = forms.BooleanField(
        label=_("La personne a lu ce texte et l'accepte"),
        help_text=_("Cochez seulement si la personne a donné son accord (par écrit ou par courriel)."),
    )
    given_on = forms.DateField(label=_("Date de l'accord"), initial=timezone.localdate, widget=DateInput())
    proof = forms.FileField(
        label=_("Preuve de l'accord (facultatif)"),
        required=False,
        help_text=_(
            "Le courriel ou le document signé, en PDF, DOCX ou ODT (5 Mo au plus), gardé dans le dossier privé."
        ),
    )

    def clean_proof(self):
        proof = self.cleaned_data.get("proof")
        if proof:
            check_cv(proof)
        return proof

    def clean_given_on(self):
        value = self.cleaned_data["given_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La date de l'accord ne peut pas être dans le futur."))
        return value


class CVUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier du CV"),
        error_messages={
            "empty": _("Le fichier est vide : vérifiez que vous avez choisi le bon CV."),
            "required": _("Choisissez le fichier du CV."),
        },
        help_text=_("%(formats)s, 5 Mo au plus.") % {"formats": ACCEPTED_LABEL},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,.odt,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                "application/vnd.oasis.opendocument.text"
            }
        ),
    )
    note = forms.CharField(
        label=_("Note sur cette version"),
        max_length=300,
        required=False,
        help_text=_("Par exemple : « refonte après bilan », « version pour le secteur santé »."),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        check_cv(uploaded)
        return uploaded


class IntroductionForm(forms.ModelForm):
    class Meta:
        model = Introduction
        fields = ["opportunity", "organisation", "date", "channel", "next_follow_up", "notes"]
        widgets = {
            "date": DateInput(),
            "next_follow_up": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "opportunity": _(
                "Si la mise en relation porte sur une offre précise ; l'organisation est alors celle de l'offre."
            ),
            "organisation": _("L'entreprise ou le cabinet de recrutement à qui le profil est présenté."),
            "next_follow_up": _("Le jour où vous voulez relancer : il apparaîtra dans « Mes relances »."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partner_organisations()
        self.fields["organisation"].required = False
        self.fields["opportunity"].queryset = Opportunity.objects.open().select_related("organisation")
        self.fields["opportunity"].required = False

    def clean(self):
        data = super().clean()
        if data.get("opportunity"):
            data["organisation"] = data["opportunity"].organisation
        elif not data.get("organisation"):
            raise forms.ValidationError(_("Choisissez une organisation ou une offre."))
        if data.get("date") and data.get("next_follow_up") and data["next_follow_up"] < data["date"]:
            self.add_error("next_follow_up", _("La relance ne peut pas être avant la mise en relation."))
        return data


class WithdrawConsentForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je confirme le retrait du consentement"),
        error_messages={"required": _("Cochez la case pour confirmer le retrait.")},
    )
    reason = forms.CharField(
        label=_("Motif (facultatif)"),
        max_length=300,
        required=False,
        help_text=_("Par exemple : « a trouvé un emploi seule », « demande par courriel du 3 mars »."),
    )


class StepForm(forms.Form):
    """One new step of an introduction; earlier steps stay as they were."""

    kind = forms.ChoiceField(label=_("Étape"), choices=StepKind.choices)
    date = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())
    contact = forms.ModelChoiceField(
        label=_("Interlocuteur·rice dans l'organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Obligatoire pour un entretien."),
    )
    new_contact_name = forms.CharField(
        label=_("…ou son nom, s'il n'est pas dans la liste"),
        max_length=200,
        required=False,
        help_text=_("Il sera ajouté aux contacts de l'organisation."),
    )
    outcome = forms.ChoiceField(
        label=_("Résultat"),
        choices=[("", "—"), *[(v, lbl) for v, lbl in Outcome.choices if v != Outcome.PENDING]],
        required=False,
        help_text=_("Pour une étape « Résultat »."),
    )
    reason = forms.ChoiceField(
        label=_("Raison, si c'est sans suite"),
        choices=[("", "—"), *RefusalReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_follow_up = forms.DateField(
        label=_("Prochaine relance"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Laisser vide s'il n'y a plus rien à relancer (effacée après une embauche ou un « sans suite »)."
        ),
    )

    def __init__(self, *args, introduction=None, **kwargs):
        super().__init__(*args, **kwargs)
        from partenaires.models import Contact

        self.fields["contact"].queryset = (
            Contact.objects.filter(organisation=introduction.organisation)
            if introduction
            else Contact.objects.none()
        )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("next_follow_up") and data["next_follow_up"] < data["date"]:
            self.add_error("next_follow_up", _("La relance ne peut pas être avant la date de l'étape."))
        return data


class OpportunityForm(forms.ModelForm):
    link = forms.URLField(
        label=_("Lien vers l'offre"),
        required=False,
        assume_scheme="https",
        help_text=_("L'adresse de l'annonce, si elle est en ligne."),
    )

    job_code = forms.ChoiceField(
        label=_("Métier"),
        choices=lambda: [("", "—"), *jobs.choices()],
        error_messages={
            "required": _(
                "Choisissez le métier de l'offre dans la liste : c'est sur lui que les personnes sont "
                "proposées (le titre seul ne suffit pas)."
            )
        },
        help_text=_("Le métier de la liste (code ROME) le plus proche du poste."),
    )

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "job_code",
            "organisation",
            "commune",
            "contract_type",
            "work_time",
            "night_work",
            "requires_driving_licence",
            "description",
            "link",
            "closing_date",
        ]
        widgets = {"closing_date": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partner_organisations()
        self.fields["commune"].queryset = territory_communes()
        self.fields["commune"].required = True
        self.fields["commune"].help_text = _("Sert à proposer l'offre aux personnes qui acceptent ce trajet.")
