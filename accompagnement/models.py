"""Households followed by the welcome service, their members, needs, stages, follow-up and partners."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osez.locking import VersionedModel
from osez.state_machine import TransitionLog
from portail.enums import ArrivalHorizon

from .enums import (
    Channel,
    IntakeChannel,
    InteractionKind,
    Language,
    Need,
    NeedState,
    Outcome,
    Stage,
    TaskKind,
)
from .managers import HouseholdQuerySet, TaskQuerySet

FAMILY_READABLE_HELP = _(
    "N'écrivez ici que ce que la famille accepterait de lire : elle peut demander à voir son dossier. "
    "Pas d'avis personnel, pas d'information de santé."
)


class Cohort(models.Model):
    """A group arrival: the dossiers one employer or one programme brings at once (issue 17, part 3)."""

    name = models.CharField(_("nom du groupe"), max_length=200)
    organisation = models.ForeignKey(
        "partenaires.Organisation",
        verbose_name=_("employeur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cohorts",
    )
    programme = models.CharField(
        _("programme"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : ouverture du centre pénitentiaire."),
    )
    expected_on = models.DateField(_("arrivées prévues vers le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("arrivée en groupe")
        verbose_name_plural = _("arrivées en groupe")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


def next_reference(year=None):
    """The next free dossier reference of the year, "OSZ-2026-0042" (counts from the highest one)."""
    year = year or timezone.localdate().year
    prefix = f"OSZ-{year}-"
    last = (
        Household.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{number:04d}"


class Household(VersionedModel):
    """One household's dossier: who they are, where they stand, who follows them."""

    reference = models.CharField(
        _("référence"),
        max_length=20,
        unique=True,
        blank=True,
        help_text=_("Laissez vide : elle est attribuée automatiquement (par exemple OSZ-2026-0042)."),
        error_messages={"unique": _("Cette référence est déjà utilisée par un autre dossier.")},
    )
    stage = models.CharField(
        _("étape"), max_length=20, choices=Stage.choices, default=Stage.NEW, editable=False, db_index=True
    )
    outcome = models.CharField(
        _("issue du suivi"), max_length=20, choices=Outcome.choices, blank=True, editable=False
    )
    stage_changed_at = models.DateTimeField(_("étape depuis le"), default=timezone.now, editable=False)
    closed_on = models.DateField(_("suivi terminé le"), null=True, blank=True, editable=False)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    origin = models.CharField(
        _("vient de"), max_length=200, blank=True, help_text=_("Ville ou région d'où la famille arrive.")
    )
    channel = models.CharField(
        _("a connu le service par"), max_length=20, choices=Channel.choices, blank=True, default=""
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conseiller·ère"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
    )
    referrer = models.ForeignKey(
        "partenaires.Organisation",
        verbose_name=_("envoyé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        help_text=_("L'employeur ou le partenaire qui a orienté la famille vers le service."),
    )
    employer_text = models.CharField(_("employeur indiqué par la famille"), max_length=200, blank=True)
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("arrivée en groupe"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
    )
    communes_considered = models.ManyToManyField(
        "communes.Commune", verbose_name=_("communes envisagées"), blank=True, related_name="+"
    )
    commune_chosen = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune choisie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    arrival_date = models.DateField(
        _("date d'arrivée"),
        null=True,
        blank=True,
        help_text=_("Prévue tant que la famille n'est pas arrivée, réelle ensuite. Format JJ/MM/AAAA."),
    )
    arrival_horizon = models.CharField(
        _("arrivée envisagée"),
        max_length=10,
        choices=ArrivalHorizon.choices,
        blank=True,
        help_text=_("L'horizon donné par la famille, tant qu'aucune date n'est connue."),
    )
    language = models.CharField(
        _("langue de la famille"),
        max_length=2,
        choices=Language.choices,
        default=Language.FRENCH,
        help_text=_(
            "Celle de l'espace famille et des courriels envoyés à la famille. Prise de la page où elle a "
            "fait sa demande ; la famille peut aussi la changer dans son espace."
        ),
    )
    intake_channel = models.CharField(
        _("dossier ouvert après"), max_length=20, choices=IntakeChannel.choices, blank=True, default=""
    )
    # Where the family came from when it wrote to us (issue 17): the campaign parameters of the address it
    # arrived by (utm_source, utm_medium, utm_campaign) and what referred it ("evenement-12"), cleaned
    # by portail.campaign and copied from the request; an unknown value is kept as given and counted.
    campaign_source = models.CharField(_("source (campagne)"), max_length=60, blank=True, editable=False)
    campaign_medium = models.CharField(_("support (campagne)"), max_length=60, blank=True, editable=False)
    campaign_name = models.CharField(_("campagne"), max_length=60, blank=True, editable=False)
    referral = models.CharField(_("orienté par"), max_length=60, blank=True, editable=False, db_index=True)
    # The intake form's idempotency key: the same form sent twice (double click, retry) opens one dossier.
    intake_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionné dans"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_from",
    )
    possible_duplicates = models.ManyToManyField(
        "self", verbose_name=_("doublons possibles"), blank=True, symmetrical=True
    )
    support_request = models.OneToOneField(
        "portail.SupportRequest",
        verbose_name=_("demande d'origine"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="household",
    )
    consent_text_version = models.CharField(
        _("version du texte de consentement"), max_length=20, blank=True, editable=False
    )
    consent_given_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("ouvert le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier famille")
        verbose_name_plural = _("dossiers familles")
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if self.reference:
            return super().save(*args, **kwargs)
        # Two dossiers opened at the same second may compute the same number: retry on the unique index.
        for _attempt in range(5):
            self.reference = next_reference()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                self.reference = ""
        raise IntegrityError("could not allocate a dossier reference")

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("accompagnement:dossier", args=[self.pk])

    @property
    def display_name(self):
        first = self.adults.all()[:1]
        if first:
            return _("Famille %(name)s") % {"name": first[0].last_name or first[0].first_name}
        return self.reference

    @property
    def is_closed(self):
        return self.stage == Stage.CLOSED

    @property
    def main_commune(self):
        if self.commune_chosen_id:
            return self.commune_chosen
        return self.communes_considered.defer("contour").order_by("-population").first()


class Adult(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="adults"
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_spouse_seeking_job = models.BooleanField(_("conjoint·e en recherche d'emploi"), default=False)

    class Meta:
        verbose_name = _("adulte")

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


def school_year_start(today=None):
    """The calendar year in which the current school year began (school years start in September)."""
    today = today or timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


# Age reached during the calendar year the school year starts → class (French system: a child enters
# "petite section" the September of the year they turn three).
SCHOOL_CLASSES = {
    3: ("maternelle", _("Petite section (maternelle)")),
    4: ("maternelle", _("Moyenne section (maternelle)")),
    5: ("maternelle", _("Grande section (maternelle)")),
    6: ("elementaire", _("CP (élémentaire)")),
    7: ("elementaire", _("CE1 (élémentaire)")),
    8: ("elementaire", _("CE2 (élémentaire)")),
    9: ("elementaire", _("CM1 (élémentaire)")),
    10: ("elementaire", _("CM2 (élémentaire)")),
    11: ("college", _("6e (collège)")),
    12: ("college", _("5e (collège)")),
    13: ("college", _("4e (collège)")),
    14: ("college", _("3e (collège)")),
    15: ("lycee", _("Seconde (lycée)")),
    16: ("lycee", _("Première (lycée)")),
    17: ("lycee", _("Terminale (lycée)")),
}


def school_level(birth_year, today=None):
    """(level code, label) for a child born in ``birth_year``: creche, maternelle … lycee, or after."""
    age = school_year_start(today) - birth_year
    if age < 3:
        return "petite_enfance", _("Petite enfance (crèche, assistante maternelle)")
    if age in SCHOOL_CLASSES:
        return SCHOOL_CLASSES[age]
    return "apres_bac", _("Après le lycée")


class Child(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="children"
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    birth_year = models.PositiveSmallIntegerField(
        _("année de naissance"),
        null=True,
        blank=True,
        help_text=_(
            "Sur quatre chiffres, par exemple 2019. Pour un enfant à naître, indiquez plutôt la date prévue."
        ),
    )
    # Crèche applications start during pregnancy: an expected child is recorded with its expected date.
    expected_on = models.DateField(
        _("naissance prévue le"),
        null=True,
        blank=True,
        help_text=_(
            "Pour un enfant à naître (format JJ/MM/AAAA) : son besoin de garde est ajouté au dossier."
        ),
    )

    class Meta:
        verbose_name = _("enfant")

    def __str__(self):
        return self.first_name

    def clean(self):
        today = timezone.localdate()
        this_year = today.year
        if self.expected_on is not None:
            if self.expected_on < today - datetime.timedelta(days=31):
                raise ValidationError(
                    {
                        "expected_on": _(
                            "Cette date est passée : l'enfant est né, indiquez son année de naissance."
                        )
                    }
                )
            if self.expected_on > today + datetime.timedelta(days=300):
                raise ValidationError(
                    {
                        "expected_on": _(
                            "Une naissance se prévoit au plus dix mois à l'avance : vérifiez la date."
                        )
                    }
                )
            self.birth_year = self.expected_on.year
            return
        if self.birth_year is None:
            raise ValidationError(
                {"birth_year": _("Indiquez l'année de naissance, ou la date prévue pour un enfant à naître.")}
            )
        if self.birth_year > this_year:
            raise ValidationError(
                {
                    "birth_year": _(
                        "Un enfant ne peut pas être né après %(y)s : pour un enfant à naître, indiquez la "
                        "date de naissance prévue."
                    )
                    % {"y": this_year}
                }
            )
        if self.birth_year < this_year - 30:
            raise ValidationError(
                {
                    "birth_year": _("Cette année de naissance semble erronée (avant %(y)s).")
                    % {"y": this_year - 30}
                }
            )

    @property
    def is_expected(self):
        return self.expected_on is not None and self.expected_on > timezone.localdate()

    @property
    def school_level(self):
        if self.birth_year is None or self.is_expected:
            return "petite_enfance"
        return school_level(self.birth_year)[0]

    @property
    def school_level_label(self):
        if self.is_expected:
            return _("À naître le %(d)s (demande de crèche dès la grossesse)") % {
                "d": f"{self.expected_on:%d/%m/%Y}"
            }
        if self.birth_year is None:
            return "—"
        return school_level(self.birth_year)[1]


class HouseholdNeed(models.Model):
    """One need of a household (school, doctor…) with its own state, resolution date and note."""

    household = models.ForeignKey(
        Household, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="needs"
    )
    kind = models.CharField(_("besoin"), max_length=20, choices=Need.choices)
    state = models.CharField(_("état"), max_length=20, choices=NeedState.choices, default=NeedState.TO_DO)
    opened_on = models.DateField(_("exprimé le"), default=timezone.localdate)
    resolved_on = models.DateField(
        _("résolu le"),
        null=True,
        blank=True,
        help_text=_("Laissez vide : aujourd'hui par défaut quand il est résolu."),
    )
    note = models.TextField(_("note"), blank=True, help_text=FAMILY_READABLE_HELP)

    class Meta:
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=~models.Q(kind=Need.OTHER),
                name="one_need_of_each_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.get_state_display()}"

    def save(self, *args, **kwargs):
        if self.state == NeedState.RESOLVED and not self.resolved_on:
            self.resolved_on = timezone.localdate()
        if self.state != NeedState.RESOLVED:
            self.resolved_on = None
        super().save(*args, **kwargs)

    def clean(self):
        if self.resolved_on and self.opened_on and self.resolved_on < self.opened_on:
            raise ValidationError(
                {
                    "resolved_on": _(
                        "La date de résolution ne peut pas précéder la date où le besoin a été exprimé."
                    )
                }
            )
        if self.resolved_on and self.resolved_on > timezone.localdate():
            raise ValidationError({"resolved_on": _("La date de résolution ne peut pas être dans le futur.")})


class StageTransition(TransitionLog):
    """The log of a dossier's stages: who moved it, when, from where to where, and why (and how it ended)."""

    household = models.ForeignKey(
        Household, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(_("de"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("vers"), max_length=20, choices=Stage.choices)
    outcome = models.CharField(_("issue"), max_length=20, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("pourquoi"), blank=True, help_text=FAMILY_READABLE_HELP)

    class Meta(TransitionLog.Meta):
        pass

    def __str__(self):
        return f"{self.household} {self.from_stage} → {self.to_stage}"


class Task(models.Model):
    """Something to do for a dossier by a date: the first-year milestones and any other reminder."""

    household = models.ForeignKey(
        Household, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="tasks"
    )
    kind = models.CharField(_("type"), max_length=10, choices=TaskKind.choices, default=TaskKind.OTHER)
    title = models.CharField(_("intitulé"), max_length=200)
    due_date = models.DateField(_("échéance"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accompagnement_tasks",
    )
    milestone_days = models.PositiveSmallIntegerField(_("jours après l'arrivée"), null=True, blank=True)
    done_at = models.DateTimeField(_("fait le"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fait par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done_note = models.TextField(_("note en la marquant faite"), blank=True, max_length=2000)
    # A milestone's short checklist: [{"key", "label", "answer"}], answers in CHECKLIST_ANSWERS (kept as given).
    checklist = models.JSONField(_("liste de vérification"), default=list, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("tâche")
        ordering = ["due_date", "pk"]

    def __str__(self):
        return f"{self.title} ({self.due_date:%d/%m/%Y})"

    @property
    def is_done(self):
        return self.done_at is not None

    def days_overdue(self, today=None):
        today = today or timezone.localdate()
        return (today - self.due_date).days if not self.is_done else 0

    @property
    def checklist_items(self):
        """The checklist with each answer's label, for the pages."""
        labels = dict(CHECKLIST_ANSWERS)
        return [
            {**item, "answer_label": labels.get(item.get("answer", ""), "")} for item in self.checklist or []
        ]


CHECKLIST_ANSWERS = [
    ("oui", _("Oui")),
    ("en_cours", _("En cours")),
    ("non", _("Non")),
    ("sans_objet", _("Sans objet")),
]


class TaskLog(models.Model):
    """What happened to a task after it was created: changed, postponed (why), done, reopened."""

    class Action(models.TextChoices):
        EDITED = "modifiee", _("Modifiée")
        POSTPONED = "reportee", _("Reportée")
        DONE = "faite", _("Faite")
        REOPENED = "rouverte", _("Rouverte")

    task = models.ForeignKey(Task, verbose_name=_("tâche"), on_delete=models.CASCADE, related_name="log")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("le"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.SET_NULL, null=True, blank=True
    )
    from_due = models.DateField(_("ancienne échéance"), null=True, blank=True)
    to_due = models.DateField(_("nouvelle échéance"), null=True, blank=True)
    reason = models.TextField(_("pourquoi"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("historique de tâche")
        verbose_name_plural = _("historique des tâches")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.task} — {self.get_action_display()}"


class Interaction(models.Model):
    """A call, e-mail, meeting, event or note on a dossier; all of them appear on its timeline."""

    household = models.ForeignKey(
        Household, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=InteractionKind.choices, default=InteractionKind.CALL
    )
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("compte rendu"), help_text=FAMILY_READABLE_HELP)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("saisi le"), default=timezone.now)
    edited_at = models.DateTimeField(_("corrigé le"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("échange")
        verbose_name_plural = _("échanges et notes")
        ordering = ["-happened_on", "-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.happened_on:%d/%m/%Y}"

    def clean(self):
        if self.happened_on and self.happened_on > timezone.localdate() + datetime.timedelta(days=1):
            raise ValidationError(
                {"happened_on": _("Un échange ne peut pas être daté dans le futur : créez plutôt une tâche.")}
            )


# How long the author of a note may still correct it.
NOTE_EDIT_WINDOW = datetime.timedelta(days=1)


def can_correct(interaction, user, now=None):
    """The author corrects their own note for a day after writing it; never a family's message."""
    now = now or timezone.now()
    return (
        interaction.author_id is not None
        and interaction.author_id == getattr(user, "pk", None)
        and interaction.kind != InteractionKind.REQUEST
        and now - interaction.created_at <= NOTE_EDIT_WINDOW
    )


class InteractionRevision(models.Model):
    """The text of a note before its author corrected it (the history keeps every version)."""

    interaction = models.ForeignKey(
        Interaction, verbose_name=_("échange"), on_delete=models.CASCADE, related_name="revisions"
    )
    text = models.TextField(_("texte avant correction"))
    edited_at = models.DateTimeField(_("corrigé le"), default=timezone.now)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("version antérieure d'un échange")
        verbose_name_plural = _("versions antérieures des échanges")
        ordering = ["-edited_at"]

    def __str__(self):
        return f"{self.interaction} ({self.edited_at:%d/%m/%Y %H:%M})"


class PinnedPlace(models.Model):
    """A place from the open-data layers the advisor keeps for this family (printed in the welcome pack)."""

    household = models.ForeignKey(
        Household, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="pinned_places"
    )
    place = models.ForeignKey(
        "communes.Place", verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="+"
    )
    distance_km = models.FloatField(_("distance (km)"), null=True, blank=True)
    from_commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("distance depuis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retenu par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    pinned_at = models.DateTimeField(_("retenu le"), default=timezone.now)

    class Meta:
        verbose_name = _("lieu retenu")
        verbose_name_plural = _("lieux retenus")
        ordering = ["place__layer__order", "distance_km"]
        constraints = [models.UniqueConstraint(fields=["household", "place"], name="pin_once")]

    def __str__(self):
        return str(self.place)


class DossierMerge(models.Model):
    """The trace of a merge: which dossier went into which, who did it, and what moved (nothing is deleted)."""

    source = models.ForeignKey(
        Household, verbose_name=_("dossier rattaché"), on_delete=models.CASCADE, related_name="merges_out"
    )
    target = models.ForeignKey(
        Household, verbose_name=_("dossier conservé"), on_delete=models.CASCADE, related_name="merges_in"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    moved = models.JSONField(_("éléments déplacés"), default=dict)

    class Meta:
        verbose_name = _("fusion de dossiers")
        verbose_name_plural = _("fusions de dossiers")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.source} → {self.target}"


class AdvisorProfile(models.Model):
    """What a family needs to reach their advisor, printed on everything sent to them (letters, e-mails)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="advisor_profile",
    )
    phone = models.CharField(
        _("téléphone professionnel"),
        max_length=30,
        blank=True,
        help_text=_(
            "Donné aux familles sur le livret d'accueil et les courriels envoyés depuis les dossiers."
        ),
    )

    class Meta:
        verbose_name = _("coordonnées de conseiller·ère")
        verbose_name_plural = _("coordonnées des conseiller·ère·s")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()
