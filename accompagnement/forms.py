"""Forms of the advisors' pages: the dossier (optimistic locking), its members, needs, follow-up."""

import datetime

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from osez import roles
from osez.locking import VersionedFormMixin
from portail.enums import ArrivalHorizon
from portail.forms import CONSENT_TEXTS
from portail.models import CONSENT_TEXT_VERSION

from .enums import Channel, IntakeChannel, InteractionKind, Language, Need, NeedState, Outcome, Stage
from .models import (
    CHECKLIST_ANSWERS,
    FAMILY_READABLE_HELP,
    Adult,
    Child,
    Household,
    HouseholdNeed,
    Interaction,
    Task,
)

# A call or meeting note of a few pages at most: a 480,000-character paste is a mistake, not a note.
NOTE_MAX_LENGTH = 5000


class CommunePicker(forms.SelectMultiple):
    """The communes as chips with the public site's suggestions (static/js/staff/commune_picker.js); without
    JavaScript, the plain multiple select."""

    def __init__(self, attrs=None):
        super().__init__({"size": 8, "data-commune-picker": "", **(attrs or {})})

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        attrs = {**(attrs or {}), "data-suggest-url": reverse("portail:suggestions")}
        return super().get_context(name, value, attrs)


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
            "language",
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
            "communes_considered": CommunePicker(),
        }
        help_texts = {
            "communes_considered": _(
                "Tapez un nom ou un code postal puis choisissez ; retirez une commune par sa croix."
            ),
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
                "Actuellement : %(current)s. Tapez un nom ou un code postal puis choisissez ; retirez une commune "
                "par sa croix (sans JavaScript : Ctrl ou Cmd pour en choisir plusieurs)."
            ) % {"current": current}
        self.fields["commune_chosen"].queryset = communes
        # A page loaded before the dossier had a language (or a hand-made request) posts none: it keeps the
        # stored one instead of refusing the whole dossier for a field the person never saw.
        self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data.get("language") or self.instance.language or Language.FRENCH

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
        fields = ["first_name", "birth_year", "expected_on"]
        widgets = {
            "birth_year": forms.NumberInput(attrs={"min": 1990, "max": 2100, "inputmode": "numeric"}),
            "expected_on": DATE_WIDGET,
        }


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
        widgets = {
            "happened_on": DATE_WIDGET,
            "text": forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH, "data-counter": ""}),
        }
        error_messages = {
            "text": {
                "max_length": _(
                    "Le compte rendu est limité à %(limit_value)d caractères (il en compte %(show_value)d) : "
                    "résumez-le ou joignez le document au dossier."
                )
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].max_length = NOTE_MAX_LENGTH
        self.fields["text"].validators.append(MaxLengthValidator(NOTE_MAX_LENGTH))
        self.fields["text"].help_text = _("%(help)s %(limit)d caractères au plus.") % {
            "help": FAMILY_READABLE_HELP,
            "limit": NOTE_MAX_LENGTH,
        }
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


class IntakeForm(forms.Form):
    """Opening a dossier after a call, a fair or an e-mail: the family's essentials and their consent.

    ``intake_key`` is the form's idempotency key: a second POST of the same form (a double click, a
    retry after a timeout) finds the dossier the first one opened instead of opening another.
    """

    intake_key = forms.UUIDField(
        label=_("Identifiant du formulaire"),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Ce formulaire est incomplet : rechargez la page (vos saisies restent affichées)."),
            "invalid": _("Ce formulaire est incomplet : rechargez la page (vos saisies restent affichées)."),
        },
    )
    intake_channel = forms.ChoiceField(
        label=_("Dossier ouvert après"),
        choices=[c for c in IntakeChannel.choices if c[0] not in ("formulaire", "employeur", "groupe")],
    )
    first_name = forms.CharField(label=_("Prénom de la personne"), max_length=100)
    last_name = forms.CharField(label=_("Nom de famille"), max_length=100)
    email = forms.EmailField(label=_("Courriel"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    adults = forms.IntegerField(label=_("Nombre d'adultes"), min_value=1, max_value=6, initial=1)
    origin = forms.CharField(label=_("Vient de"), max_length=200, required=False)
    channel = forms.ChoiceField(label=_("A connu le service par"), choices=Channel.choices, required=False)
    needs = forms.MultipleChoiceField(
        label=_("Besoins"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    arrival_horizon = forms.ChoiceField(
        label=_("Arrivée envisagée"), choices=[("", "—"), *ArrivalHorizon.choices]
    )
    arrival_date = forms.DateField(
        label=_("Date d'arrivée prévue (si connue)"), required=False, widget=DATE_WIDGET
    )
    communes_considered = forms.ModelMultipleChoiceField(
        label=_("Communes envisagées"),
        queryset=Commune.objects.none(),
        required=False,
        widget=CommunePicker(),
    )
    note = forms.CharField(
        label=_("Compte rendu de l'échange"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX_LENGTH}),
        help_text=FAMILY_READABLE_HELP,
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXTS[CONSENT_TEXT_VERSION],
        help_text=_("Lisez ce texte à la personne ; cochez seulement si elle l'accepte (version %(v)s).")
        % {"v": CONSENT_TEXT_VERSION},
        error_messages={
            "required": _(
                "Sans l'accord de la personne, le dossier ne peut pas être ouvert : lisez-lui le texte ci-dessus."
            )
        },
    )
    advisor = AdvisorChoiceField(queryset=None, required=False, label=_("Conseiller·ère"))

    def __init__(self, *args, author, can_assign_others=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes_considered"].queryset = Commune.objects.filter(is_active=True).only(
            "code_insee", "name"
        )
        self.fields["advisor"].queryset = advisors_queryset()
        self.fields["advisor"].initial = author.pk
        self.fields["advisor"].empty_label = _("— non attribué —")
        if not can_assign_others:
            self.fields["advisor"].disabled = True
            self.fields["advisor"].help_text = _("Le dossier vous est attribué.")

    def clean_arrival_date(self):
        day = self.cleaned_data.get("arrival_date")
        if day and day < timezone.localdate() - datetime.timedelta(days=366 * 2):
            raise forms.ValidationError(_("Cette date d'arrivée semble erronée : vérifiez l'année."))
        return day

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone"):
            self.add_error(
                "phone", _("Indiquez au moins un courriel ou un téléphone pour recontacter la famille.")
            )
        return cleaned


class MergeForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)


class TaskEditForm(forms.ModelForm):
    """Change a task's title or date; a later date is a postponement and says why (kept in its history)."""

    reason = forms.CharField(
        label=_("Pourquoi ce changement (obligatoire pour reporter)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Task
        fields = ["title", "due_date"]
        widgets = {"due_date": DATE_WIDGET}

    def clean(self):
        cleaned = super().clean()
        due = cleaned.get("due_date")
        if due and self.instance.due_date and due > self.instance.due_date and not cleaned.get("reason"):
            self.add_error(
                "reason", _("Dites pourquoi la tâche est reportée : le motif reste dans son historique.")
            )
        return cleaned


class TaskDoneForm(forms.Form):
    """Mark a task done with an optional note and, for a milestone, the answers of its checklist."""

    done_note = forms.CharField(
        label=_("Note (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        help_text=FAMILY_READABLE_HELP,
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        for item in task.checklist or []:
            self.fields[f"check_{item['key']}"] = forms.ChoiceField(
                label=item["label"],
                choices=[("", "—"), *CHECKLIST_ANSWERS],
                required=False,
                initial=item.get("answer", ""),
            )

    def checklist_answers(self):
        return [
            {**item, "answer": self.cleaned_data.get(f"check_{item['key']}", "")}
            for item in self.task.checklist or []
        ]


class NoteCorrectionForm(forms.ModelForm):
    """The author corrects their own note within a day; the previous text is kept as a revision."""

    class Meta:
        model = Interaction
        fields = ["text"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6, "maxlength": NOTE_MAX_LENGTH, "data-counter": ""})
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].validators.append(MaxLengthValidator(NOTE_MAX_LENGTH))
        self.fields["text"].error_messages["max_length"] = _(
            "Le compte rendu est limité à %(limit_value)d caractères (il en compte %(show_value)d)."
        )


class BulkReassignForm(forms.Form):
    """The team lead hands several dossiers to one advisor at once (an absence, a rebalancing)."""

    dossiers = forms.ModelMultipleChoiceField(
        label=_("Dossiers"),
        queryset=Household.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un dossier à réattribuer.")},
    )
    advisor = AdvisorChoiceField(
        label=_("Nouveau ou nouvelle conseiller·ère"),
        queryset=None,
        error_messages={"required": _("Choisissez à qui confier les dossiers cochés.")},
    )

    def __init__(self, *args, dossiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = dossiers
        self.fields["advisor"].queryset = advisors_queryset()


class LetterForm(forms.Form):
    """An e-mail to the family from the dossier: which letter, to which address, an optional personal word."""

    letter = forms.ChoiceField(label=_("Courriel"), widget=forms.RadioSelect)
    to = forms.ChoiceField(
        label=_("Destinataire"),
        error_messages={"required": _("Ce dossier n'a pas d'adresse courriel : ajoutez-en une au dossier.")},
    )
    message = forms.CharField(
        label=_("Un mot personnel (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        help_text=_("Ajouté au texte du courriel, avant votre signature."),
    )

    def __init__(self, *args, household, **kwargs):
        from .letters import LETTERS

        super().__init__(*args, **kwargs)
        self.fields["letter"].choices = [(k, v.label) for k, v in LETTERS.items()]
        addresses = [household.email, *(a.email for a in household.adults.all())]
        self.fields["to"].choices = [(a, a) for a in dict.fromkeys(a for a in addresses if a)]
