"""Events the welcome service organises (welcome evenings, fairs, job datings…) and who signed up."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .enums import EventKind, EventStatus, RegistrationStatus

# The text a person agrees to when signing up; its version is stored with each sign-up (proof of consent).
CONSENT_TEXT_VERSION = "evenement-2026-12"
CONSENT_TEXT = _(
    "J'accepte que le service d'accueil des nouveaux habitants conserve ces informations pour organiser "
    "cet événement et me prévenir en cas de changement. Elles sont effacées un an après l'événement, "
    "sauf si je demande ensuite à être accompagné·e."
)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EventStatus.PUBLISHED)

    def public(self):
        """What a visitor may open: published or cancelled (a cancelled event says so), never a draft."""
        return self.exclude(status=EventStatus.DRAFT)

    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.filter(models.Q(ends_at__gte=now) | models.Q(ends_at__isnull=True, starts_at__gte=now))

    def with_counts(self):
        confirmed = models.Q(registrations__status=RegistrationStatus.CONFIRMED)
        return self.annotate(
            n_confirmed=models.Count("registrations", filter=confirmed),
            n_people=models.Sum("registrations__party_size", filter=confirmed),
            n_waiting=models.Count(
                "registrations", filter=models.Q(registrations__status=RegistrationStatus.WAITING)
            ),
            n_present=models.Count(
                "registrations", filter=confirmed & models.Q(registrations__checked_in_at__isnull=False)
            ),
        )


class Event(models.Model):
    """One event, with its place, capacity (in people) and audience; published events are on the public site."""

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("adresse courte"), max_length=80, blank=True, editable=False)
    kind = models.CharField(
        _("type"), max_length=30, choices=EventKind.choices, default=EventKind.WELCOME_EVENING
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT, db_index=True
    )
    starts_at = models.DateTimeField(_("début"), help_text=_("Format JJ/MM/AAAA HH:MM."))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    place_name = models.CharField(_("lieu"), max_length=200, help_text=_("Par exemple : Salle des fêtes."))
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    place_description = models.TextField(
        _("accès au lieu"), blank=True, help_text=_("Comment venir, stationnement, accessibilité.")
    )
    capacity = models.PositiveIntegerField(
        _("places"), help_text=_("Nombre de personnes accueillies ; au-delà, une liste d'attente s'ouvre.")
    )
    audience = models.CharField(
        _("public"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : familles arrivées depuis moins d'un an."),
    )
    description = models.TextField(_("description"), blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="event_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%d/%m/%Y})"

    def save(self, *args, **kwargs):
        self.slug = (slugify(self.title_fr or self.title or "") or "evenement")[:80]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("evenements:event", kwargs={"pk": self.pk, "slug": self.slug or "evenement"})

    @property
    def is_cancelled(self):
        return self.status == EventStatus.CANCELLED

    @property
    def is_past(self):
        return (self.ends_at or self.starts_at) < timezone.now()

    @property
    def referral_code(self):
        """What a link from this event to the request form carries, and what the dossier stores."""
        return f"evenement-{self.pk}"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self):
        # First come, first served: the order of the waiting list.
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")


class Registration(models.Model):
    """One sign-up (a person and those who come with them): confirmed, on the waiting list or cancelled."""

    event = models.ForeignKey(
        Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("nom"), max_length=150)
    # Stored in lower case: one e-mail signs up once per event (the constraint below).
    email = models.EmailField(_("courriel"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    party_size = models.PositiveSmallIntegerField(_("nombre de personnes"), default=1)
    status = models.CharField(
        _("statut"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.CONFIRMED
    )
    consent_text_version = models.CharField(_("version du texte de consentement"), max_length=30)
    # Sent in the cancel link (signed); a new one for each sign-up, so an old link never cancels a new one.
    cancel_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    # The language of the page the person signed up on (/en/evenements/… → "en"): every e-mail they are sent
    # later speaks it, even when someone else's action sends it (a cancellation that frees a place, staff
    # cancelling the event), and its links lead to the pages in that language.
    language = models.CharField(
        _("langue de l'inscription"), max_length=8, choices=settings.LANGUAGES, default="fr", editable=False
    )
    created_at = models.DateTimeField(_("inscrit·e le"), default=timezone.now)
    promoted_at = models.DateTimeField(_("sorti·e de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("désinscrit·e le"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("présent·e (pointé·e le)"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The dossier this person has (opened from the attendee list or linked to an existing one). Cascading,
    # so that the rights of the people (export, erasure, anonymisation of the dossier) cover the sign-up.
    household = models.ForeignKey(
        "accompagnement.Household",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "pk"]
        constraints = [
            # A second sign-up with the same e-mail while the first is still active is refused by the
            # database too (two concurrent POSTs): the service turns it into the "déjà inscrit" message.
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~models.Q(status="annule") & ~models.Q(email=""),
                name="registration_one_active_per_email",
            ),
            models.CheckConstraint(condition=models.Q(party_size__gte=1), name="registration_party_positive"),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.name} — {self.event.title}"

    @property
    def is_present(self):
        return self.checked_in_at is not None
