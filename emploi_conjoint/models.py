"""Models of the spouse-employment pipeline: candidates, consents, CV versions, stages, opportunities, introductions."""

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osez.locking import VersionedModel
from osez.state_machine import TransitionLog

from .enums import Channel, ContractType, Outcome, RefusalReason, Stage, StepKind, WorkTime
from .managers import CandidateQuerySet, IntroductionQuerySet, OpportunityQuerySet
from .storage import consent_proof_upload_to, cv_upload_to, get_consent_storage, get_cv_storage


class Candidate(VersionedModel):
    """The job search of one adult of a household dossier, followed by an HR specialist."""

    adult = models.OneToOneField(
        "accompagnement.Adult",
        verbose_name=_("adulte du dossier"),
        on_delete=models.CASCADE,
        related_name="candidate",
        help_text=_("La personne accompagnée, choisie parmi les adultes des dossiers familles."),
    )
    hr_specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chargé·e RH"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidates",
        help_text=_("La personne de l'équipe qui suit cette recherche d'emploi."),
    )
    # Background
    current_job = models.CharField(
        _("emploi actuel"),
        max_length=200,
        blank=True,
        help_text=_("Poste et employeur actuels, s'il y en a un."),
    )
    past_jobs = models.TextField(
        _("emplois précédents"), blank=True, help_text=_("Un emploi par ligne : poste, employeur, années.")
    )
    qualifications = models.TextField(
        _("diplômes et qualifications"), blank=True, help_text=_("Un diplôme ou une habilitation par ligne.")
    )
    skills = models.TextField(_("compétences"), blank=True, help_text=_("Séparées par des virgules."))
    languages = models.CharField(
        _("langues"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : anglais courant, allemand scolaire."),
    )
    # What they want
    wished_roles = models.TextField(
        _("métiers recherchés"),
        blank=True,
        help_text=_("Séparés par des virgules, par exemple : comptable, assistante de gestion."),
    )
    wished_jobs = models.JSONField(
        _("métiers recherchés (liste des métiers)"),
        default=list,
        blank=True,
        help_text=_("Codes ROME des métiers choisis dans la liste ; les suggestions se font sur eux."),
    )
    wished_sectors = models.TextField(
        _("secteurs souhaités"),
        blank=True,
        help_text=_("Séparés par des virgules, par exemple : santé, industrie, banque."),
    )
    work_time = models.CharField(
        _("temps de travail"), max_length=10, choices=WorkTime.choices, default=WorkTime.EITHER
    )
    contract_types = models.JSONField(
        _("contrats acceptés"),
        default=list,
        blank=True,
        help_text=_("Laisser vide si tous les contrats conviennent."),
    )
    home_commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune de départ des trajets"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("La commune d'où la personne partira pour aller travailler."),
    )
    commute_km = models.PositiveSmallIntegerField(
        _("distance acceptée (km)"),
        default=25,
        help_text=_("Distance maximale à vol d'oiseau entre la commune de départ et le lieu de travail."),
    )
    available_from = models.DateField(_("disponible à partir du"), null=True, blank=True)
    constraints = models.TextField(
        _("contraintes"),
        blank=True,
        help_text=_("Horaires, garde des enfants, permis, mobilité… ce qui compte pour choisir un poste."),
    )
    no_nights = models.BooleanField(
        _("pas de travail de nuit"),
        default=False,
        help_text=_("Les postes de nuit ne lui sont pas proposés."),
    )
    driving_licence = models.BooleanField(
        _("permis B"), null=True, blank=True, help_text=_("Laisser « inconnu » si ce n'est pas encore su.")
    )
    # Stage machine (changed only through emploi_conjoint.stages)
    stage = models.CharField(_("étape"), max_length=20, choices=Stage.choices, default=Stage.ACCUEIL)
    stage_changed_at = models.DateTimeField(_("à cette étape depuis"), default=timezone.now)
    held_from_stage = models.CharField(
        _("étape avant la pause ou l'abandon"), max_length=20, choices=Stage.choices, blank=True
    )
    is_fictional = models.BooleanField(_("fictif (démonstration)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidat·e")
        verbose_name_plural = _("candidat·es")
        ordering = ["adult__first_name", "adult__last_name"]

    def __str__(self):
        return str(self.adult)

    @property
    def household(self):
        return self.adult.household

    @property
    def current_consent(self):
        """The active consent (at most one: a database constraint says so), or None."""
        return self.consents.filter(withdrawn_on__isnull=True).order_by("-given_on", "-pk").first()

    @property
    def has_consent(self):
        return self.current_consent is not None

    @property
    def latest_cv(self):
        return self.cv_versions.order_by("-uploaded_at", "-pk").first()


class Consent(models.Model):
    """The candidate's agreement that their CV be shown to companies, with the text version they agreed to."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="consents")
    text_version = models.CharField(
        _("version du texte"),
        max_length=20,
        help_text=_("La version du texte de consentement lu et accepté par la personne."),
    )
    given_on = models.DateField(_("date du consentement"), default=timezone.localdate)
    withdrawn_on = models.DateField(_("retiré le"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    proof = models.FileField(
        _("preuve du consentement"),
        storage=get_consent_storage,
        upload_to=consent_proof_upload_to,
        max_length=200,
        blank=True,
        help_text=_("Facultatif : le courriel ou le document signé, en PDF. Gardé dans le dossier privé."),
    )
    withdrawal_reason = models.CharField(_("motif du retrait"), max_length=300, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consentement")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="one_active_consent_per_candidate",
            )
        ]

    def __str__(self):
        return f"{self.candidate} — v{self.text_version} ({self.given_on:%d/%m/%Y})"


class CVVersion(models.Model):
    """One version of a candidate's CV (PDF, DOCX or ODT), stored in the private folder."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="cv_versions")
    file = models.FileField(_("fichier"), storage=get_cv_storage, upload_to=cv_upload_to, max_length=200)
    original_name = models.CharField(_("nom du fichier envoyé"), max_length=200)
    file_kind = models.CharField(_("format"), max_length=10)
    size = models.PositiveIntegerField(_("taille (octets)"))
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("Par exemple : « refonte après bilan ».")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("version du CV")
        verbose_name_plural = _("versions du CV")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.original_name} ({self.uploaded_at:%d/%m/%Y})"


class StageTransition(TransitionLog):
    """One move of a candidate from a stage to another: who, when, from, to, why."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(_("de"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("vers"), max_length=20, choices=Stage.choices)

    class Meta(TransitionLog.Meta):
        pass

    def __str__(self):
        return f"{self.candidate}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"


class Opportunity(models.Model):
    """A job opening passed on by a partner, to suggest to the candidates it fits."""

    title = models.CharField(_("intitulé du poste"), max_length=200)
    organisation = models.ForeignKey(
        "partenaires.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="opportunities",
    )
    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune du poste"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contract_type = models.CharField(_("contrat"), max_length=12, choices=ContractType.choices)
    work_time = models.CharField(
        _("temps de travail"), max_length=10, choices=WorkTime.choices, default=WorkTime.FULL
    )
    job_code = models.CharField(
        _("métier"),
        max_length=10,
        blank=True,
        help_text=_(
            "Le métier de la liste (code ROME) : les suggestions se font sur lui, pas sur les mots du titre."
        ),
    )
    night_work = models.BooleanField(_("travail de nuit"), default=False)
    requires_driving_licence = models.BooleanField(_("permis B exigé"), default=False)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Missions et profil recherché, en quelques lignes.")
    )
    link = models.URLField(_("lien vers l'offre"), blank=True)
    closing_date = models.DateField(
        _("date limite de candidature"),
        null=True,
        blank=True,
        help_text=_("Laisser vide si elle n'est pas connue."),
    )
    is_fictional = models.BooleanField(_("fictive (démonstration)"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("offre d'emploi")
        verbose_name_plural = _("offres d'emploi")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.title} — {self.organisation}"

    def save(self, *args, **kwargs):
        # Offers entered before the job list, or by import, get the job their title names.
        from .jobs import _fold, recognise_one

        if not self.job_code:
            job = recognise_one(self.title)
            self.job_code = job.code if job else ""
        if " nuit " in f" {_fold(self.title)} " or " nuits " in f" {_fold(self.title)} ":
            self.night_work = True
        super().save(*args, **kwargs)

    @property
    def job(self):
        from .jobs import by_code

        return by_code().get(self.job_code)


class Introduction(models.Model):
    """A candidate introduced to an organisation (possibly for one of its opportunities)."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidat·e"), on_delete=models.CASCADE, related_name="introductions"
    )
    organisation = models.ForeignKey(
        "partenaires.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="introductions",
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("offre"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introductions",
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("faite par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("résultat"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    next_follow_up = models.DateField(
        _("prochaine relance"),
        null=True,
        blank=True,
        help_text=_("Laisser vide s'il n'y a plus rien à relancer."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.candidate} → {self.organisation}"


class IntroductionStep(models.Model):
    """One step of an introduction — CV sent, interview, outcome, note — kept as its own entry."""

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("étape"), max_length=12, choices=StepKind.choices)
    date = models.DateField(_("date"), default=timezone.localdate)
    contact = models.ForeignKey(
        "partenaires.Contact",
        verbose_name=_("interlocuteur·rice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("résultat"), max_length=12, choices=Outcome.choices, blank=True)
    reason = models.CharField(_("raison"), max_length=14, choices=RefusalReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("saisi le"), default=timezone.now)

    class Meta:
        verbose_name = _("étape de mise en relation")
        verbose_name_plural = _("étapes de mise en relation")
        ordering = ["date", "at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.date:%d/%m/%Y})"


def register_auditlog():
    """Field changes go to django-auditlog, without free text (it would copy personal notes into the log).

    Called from ``EmploiConjointConfig.ready()``.
    """
    from auditlog.registry import auditlog

    free_text = [
        "current_job",
        "past_jobs",
        "qualifications",
        "skills",
        "languages",
        "wished_roles",
        "wished_sectors",
        "constraints",
    ]
    registrations = [
        (Candidate, {"exclude_fields": [*free_text, "version"]}),
        (Consent, {}),
        (CVVersion, {"exclude_fields": ["note", "original_name", "file"]}),
        (StageTransition, {"exclude_fields": ["reason"]}),
        (Opportunity, {"exclude_fields": ["description"]}),
        (Introduction, {"exclude_fields": ["notes"]}),
        (IntroductionStep, {"exclude_fields": ["note"]}),
    ]
    for model, options in registrations:
        if not auditlog.contains(model):
            auditlog.register(model, **options)


@receiver(post_delete, sender=CVVersion)
def _delete_cv_file(sender, instance, **kwargs):
    """A deleted CV version (by hand, or with its candidate or household) takes its file with it."""
    if not instance.file:
        return
    storage, name = instance.file.storage, instance.file.name
    # After the commit only: a rolled-back deletion must not leave a row whose file is gone.
    transaction.on_commit(lambda: storage.delete(name))
