"""What the family space stores: sign-in links, messages, checklist ticks, spouse sharing, surveys, requests."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompagnement.enums import Need

from .storage import attachment_upload_to, get_attachment_storage


class SignInLink(models.Model):
    """A one-time sign-in link sent to an adult of a dossier; only the SHA-256 of its secret is kept."""

    adult = models.ForeignKey("accompagnement.Adult", on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(_("empreinte du lien"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("valable jusqu'au"))
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lien de connexion")
        verbose_name_plural = _("liens de connexion")
        ordering = ["-created_at"]

    def __str__(self):
        return f"lien {self.pk}"


class Author(models.TextChoices):
    FAMILY = "famille", _("La famille")
    ADVISOR = "equipe", _("L'équipe Osez")


class MessageQuerySet(models.QuerySet):
    def thread(self, household):
        return self.filter(household=household).select_related("adult", "staff").order_by("created_at", "pk")


class Message(models.Model):
    """One message between the family and its advisor, with at most one attachment (PDF or image)."""

    household = models.ForeignKey(
        "accompagnement.Household", on_delete=models.CASCADE, related_name="family_messages"
    )
    author = models.CharField(_("de la part de"), max_length=10, choices=Author.choices)
    adult = models.ForeignKey(
        "accompagnement.Adult",
        verbose_name=_("adulte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre de l'équipe"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("message"), max_length=5000)
    attachment = models.FileField(
        _("pièce jointe"),
        storage=get_attachment_storage,
        upload_to=attachment_upload_to,
        max_length=200,
        blank=True,
    )
    attachment_name = models.CharField(_("nom de la pièce jointe"), max_length=200, blank=True)
    attachment_kind = models.CharField(_("format de la pièce jointe"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["household", "created_at"])]

    def __str__(self):
        return f"message {self.pk}"

    @property
    def from_family(self):
        return self.author == Author.FAMILY


class ChecklistItem(models.Model):
    """A step of a checklist (school enrolment, crèche application…), written by staff in the admin."""

    need = models.CharField(
        _("besoin"),
        max_length=20,
        choices=Need.choices,
        blank=True,
        help_text=_(
            "Laissez vide pour une démarche que toutes les familles font (CAF, changement d'adresse…)."
        ),
    )
    label = models.CharField(_("démarche"), max_length=200)
    help_text = models.TextField(_("explication pour la famille"), blank=True, max_length=1000)
    label_en = models.CharField(_("démarche (en anglais)"), max_length=200, blank=True)
    help_text_en = models.TextField(_("explication (en anglais)"), blank=True, max_length=1000)
    order = models.PositiveSmallIntegerField(_("ordre"), default=100)
    is_active = models.BooleanField(_("proposée aux familles"), default=True)

    class Meta:
        verbose_name = _("démarche de liste")
        verbose_name_plural = _("listes de démarches des familles")
        ordering = ["need", "order", "pk"]

    def __str__(self):
        return self.label


class ChecklistTick(models.Model):
    """The family ticked a step: who and when (the advisor sees it in the dossier)."""

    household = models.ForeignKey(
        "accompagnement.Household", on_delete=models.CASCADE, related_name="checklist_ticks"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="ticks")
    adult = models.ForeignKey(
        "accompagnement.Adult", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ticked_at = models.DateTimeField(_("cochée le"), default=timezone.now)

    class Meta:
        verbose_name = _("démarche faite")
        verbose_name_plural = _("démarches faites")
        constraints = [models.UniqueConstraint(fields=["household", "item"], name="tick_once")]

    def __str__(self):
        return f"tick {self.pk}"


class SpouseSharing(models.Model):
    """The spouse's own choice to show the stage of their job search in the family space (withdrawable)."""

    adult = models.OneToOneField(
        "accompagnement.Adult", on_delete=models.CASCADE, related_name="family_space_sharing"
    )
    shares_job_search = models.BooleanField(_("montre l'étape de sa recherche d'emploi"), default=False)
    changed_at = models.DateTimeField(_("choix fait le"), default=timezone.now)

    class Meta:
        verbose_name = _("partage de la recherche d'emploi")

    def __str__(self):
        return f"partage {self.pk}"


class SurveyMilestone(models.IntegerChoices):
    SIX_MONTHS = 6, _("6 mois après l'arrivée")
    TWELVE_MONTHS = 12, _("12 mois après l'arrivée")


class SettlingSurvey(models.Model):
    """ "How is it going?" at 6 and 12 months: the invitation, its reminders, the answer, the alert raised."""

    household = models.ForeignKey(
        "accompagnement.Household", on_delete=models.CASCADE, related_name="settling_surveys"
    )
    milestone = models.PositiveSmallIntegerField(_("moment"), choices=SurveyMilestone.choices)
    invited_at = models.DateTimeField(_("invitation envoyée le"), default=timezone.now)
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)
    last_sent_at = models.DateTimeField(_("dernier envoi le"), default=timezone.now)
    score = models.PositiveSmallIntegerField(_("se sent installée (0 à 10)"), null=True, blank=True)
    missing = models.TextField(_("ce qui manque"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    alert_task = models.ForeignKey(
        "accompagnement.Task",
        verbose_name=_("tâche créée pour la conseillère ou le conseiller"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    alerted_at = models.DateTimeField(_("alerte donnée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire « Comment ça va ? »")
        verbose_name_plural = _("questionnaires « Comment ça va ? »")
        ordering = ["milestone"]
        constraints = [
            models.UniqueConstraint(fields=["household", "milestone"], name="one_survey_per_milestone"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=10), name="survey_score_0_10"
            ),
        ]

    def __str__(self):
        return f"questionnaire {self.milestone} mois"

    @property
    def is_answered(self):
        return self.answered_at is not None


class ErasureRequest(models.Model):
    """A family asked for its data to be erased: the team leads act on it from the rights desk."""

    household = models.ForeignKey(
        "accompagnement.Household", on_delete=models.CASCADE, related_name="erasure_requests"
    )
    adult = models.ForeignKey(
        "accompagnement.Adult", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)

    class Meta:
        verbose_name = _("demande d'effacement")
        verbose_name_plural = _("demandes d'effacement")

    def __str__(self):
        return f"demande d'effacement {self.pk}"
