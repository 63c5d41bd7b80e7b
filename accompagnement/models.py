"""Households followed by the welcome service, their members, and the partner organisations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import OrganisationKind, SizeBand


class Organisation(models.Model):
    """A partner: employer, recruitment agency, institution or association (with its business details)."""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.EMPLOYER
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    naf = models.CharField(_("activité (code NAF)"), max_length=6, blank=True)
    sector = models.CharField(_("secteur"), max_length=120, blank=True)
    commune = models.ForeignKey("communes.Commune", on_delete=models.SET_NULL, null=True, blank=True)
    size_band = models.CharField(
        _("effectif"), max_length=10, choices=SizeBand.choices, blank=True, default=""
    )
    business_club = models.CharField(_("club d'entreprises"), max_length=200, blank=True)
    website = models.URLField(_("site web"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation partenaire")
        verbose_name_plural = _("organisations partenaires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~models.Q(siret=""), name="organisation_unique_siret"
            ),
        ]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A person to call at a partner organisation (work details only)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(_("fonction"), max_length=200, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contact")

    def __str__(self):
        return self.name


class Household(models.Model):
    """One household's dossier (the stage machine, needs and follow-up are added by the back-office)."""

    reference = models.CharField(_("référence"), max_length=20, unique=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    origin = models.CharField(_("vient de"), max_length=200, blank=True)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conseiller·ère"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
    )
    referrer = models.ForeignKey(
        Organisation,
        verbose_name=_("envoyé par"),
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
    arrival_date = models.DateField(_("date d'arrivée"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier famille")
        verbose_name_plural = _("dossiers familles")
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference


class Adult(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="adults")
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_spouse_seeking_job = models.BooleanField(_("conjoint·e en recherche d'emploi"), default=False)

    class Meta:
        verbose_name = _("adulte")

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


class Child(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(_("prénom"), max_length=100)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"))

    class Meta:
        verbose_name = _("enfant")

    def __str__(self):
        return self.first_name
