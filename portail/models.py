"""What the public site stores: requests for support as the family typed them, and thematic sheets."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompagnement.enums import ArrivalHorizon


class SupportRequest(models.Model):
    """A family's request for support, exactly as submitted on /demande/ (the dossier is opened from it)."""

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("courriel"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    adults = models.PositiveSmallIntegerField(_("nombre d'adultes"), default=1)
    # [{"first_name": "…", "birth_year": 2019}, …] — first names are optional.
    children = models.JSONField(_("enfants"), default=list, blank=True)
    origin = models.CharField(_("vous habitez actuellement à"), max_length=200)
    communes_considered = models.ManyToManyField(
        "communes.Commune", verbose_name=_("communes envisagées"), blank=True, related_name="+"
    )
    needs = models.JSONField(_("besoins"), default=list)  # codes of accompagnement.enums.Need
    arrival_horizon = models.CharField(_("arrivée prévue"), max_length=10, choices=ArrivalHorizon.choices)
    employer = models.CharField(_("employeur (si connu)"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    consent_text_version = models.CharField(_("version du texte de consentement"), max_length=20)
    consent_given_at = models.DateTimeField(_("consentement donné le"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demande d'accompagnement")
        verbose_name_plural = _("demandes d'accompagnement")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.created_at:%d/%m/%Y})"
