"""Forms of the advisors' pages: the dossier (optimistic locking), its members, needs, follow-up."""

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from osez import roles
from osez.locking import VersionedFormMixin

from .enums import InteractionKind, Need, NeedState, Outcome, Stage
from .models import FAMILY_READABLE_HELP, Adult, Child, Household, HouseholdNeed, Interaction, Task

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def advisors_queryset():
    return roles.users_with_role(roles.ADVISOR, roles.TEAM_LEAD).order_by("first_name", "username")


class AdvisorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class HouseholdForm(VersionedFormMixin, forms.ModelForm):
    """The dossier's own fields; a save over a newer version is refused and keeps what was typed."""

    advisor = AdvisorChoiceField(
        queryset=None, required=False, label=_("Conseiller·ère"), empty_label=_("— non attribué —")
    )

    class Meta:
        model = Household
        fields = [
            "reference",
            "advisor",
            "email",
            "phone",
            "origin",
            "channel",
            "referrer",
            "employer_text",
            "communes_considered",
            "commune_chosen",
            "arrival_date",
        ]
        widgets = {
            "arrival_date": DATE_WIDGET,
            "communes_considered": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "communes_considered": _("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
            "email": _("Adresse de contact principale de la famille."),
        }

    def __init__(self, *args, can_reassign=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = advisors_queryset()
        if not can_reassign:
            self.fields["advisor"].disabled = True
            self.fields["advisor"].help_text = _(
                "Seul·e un·e responsable d'équipe peut réattribuer un dossier."
            )
        communes = Commune.objects.filter(is_active=True).only("code_insee", "name").order_by("name")
        self.fields["communes_considered"].queryset = communes
        if self.instance.pk:
            # 431 options hide the chosen ones: say plainly which are selected now.
            current = ", ".join(c.name for c in self.instance.communes_considered.all()) or "—"
            self.fields["communes_considered"].help_text = _(
                "Actuellement : %(current)s. Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."
            ) % {"current": current}
        self.fields["commune_chosen"].queryset = communes

    def clean_reference(self):
        reference = (self.cleaned_data.get("reference") or "").strip().upper()
        if reference and Household.objects.filter(reference=reference).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Cette référence est déjà utilisée par un autre dossier."))
        if not reference and self.instance.pk:
            return self.instance.reference  # a cleared reference keeps the one the dossier has
        return reference

    def clean_arrival_date(self):
        arrival = self.cleaned_data.get("arrival_date")
        stage = self.instance.stage if self.instance.pk else Stage.NEW
        if arrival and stage in (Stage.ARRIVED, Stage.CLOSED) and arrival > timezone.localdate():
            raise forms.ValidationError(
                _("La famille est déjà arrivée : la date d'arrivée ne peut pas être dans le futur.")
            )
        if arrival and self.instance.pk and arrival.year < self.instance.created_at.year - 2:
            raise forms.ValidationError(_("Cette date d'arrivée semble erronée : vérifiez l'année."))
        return arrival

    def clean(self):
        cleaned = super().clean()  # VersionedFormMixin refuses a missing or stale version first
        chosen = cleaned.get("commune_chosen")
        considered = cleaned.get("communes_considered")
        if chosen is not None and considered is not None and chosen not in considered:
            cleaned["communes_considered"] = [*considered, chosen]
        return cleaned


class AdultForm(forms.ModelForm):
    class Meta:
        model = Adult
        fields = ["first_name", "last_name", "email", "phone", "is_spouse_seeking_job"]


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = ["first_name", "birth_year"]
        widgets = {"birth_year": forms.NumberInput(attrs={"min": 1990, "max": 2100, "inputmode": "numeric"})}


AdultFormSet = inlineformset_factory(Household, Adult, form=AdultForm, extra=1, can_delete=True)
ChildFormSet = inlineformset_factory(Household, Child, form=ChildForm, extra=1, can_delete=True)


class TransitionForm(forms.Form):
    to_stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Pourquoi (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=FAMILY_READABLE_HELP,
    )
    arrival_date = forms.DateField(label=_("Date d'arrivée"), required=False, widget=DATE_WIDGET)
    outcome = forms.ChoiceField(
        label=_("Issue du suivi"), choices=[("", "—"), *Outcome.choices], required=False
    )


class NeedForm(forms.ModelForm):
    class Meta:
        model = HouseholdNeed
        fields = ["state", "resolved_on", "note"]
        widgets = {"resolved_on": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("state") != NeedState.RESOLVED:
            cleaned["resolved_on"] = None
        return cleaned


class AddNeedForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nouveau besoin"), choices=Need.choices)


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["kind", "happened_on", "text"]
        widgets = {"happened_on": DATE_WIDGET, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "Message de la famille" only comes from the public form.
        self.fields["kind"].choices = [c for c in InteractionKind.choices if c[0] != InteractionKind.REQUEST]


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "due_date"]
        widgets = {"due_date": DATE_WIDGET}


class PinForm(forms.Form):
    place = forms.IntegerField(widget=forms.HiddenInput)
    commune = forms.CharField(widget=forms.HiddenInput, required=False)
