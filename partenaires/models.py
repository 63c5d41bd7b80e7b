"""Partner organisations of the welcome service — employers, public institutions, recruiters,
associations — and the people to call there.

Dossiers (``accompagnement``) and the spouse-employment pipeline (``emploi_conjoint``) point to these
models; they live here, below both, so that neither owns them. Their tables were moved from
``accompagnement`` without losing a row (see ``migrations/0001_initial.py``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import PARTNER_KINDS, OrganisationKind, SizeBand


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
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Ce qu'il faut savoir pour travailler avec ce partenaire.")
    )
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
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("contact")

    def __str__(self):
        return self.name


def partner_organisations():
    """The organisations a spouse or a recruit can be introduced to: companies, public employers and
    institutions, recruiters (issue 15: public employers are offered everywhere an organisation is)."""
    return Organisation.objects.filter(kind__in=PARTNER_KINDS).order_by("name")
