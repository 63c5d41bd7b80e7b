"""Choices of the partner organisations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    EMPLOYER = "employer", _("Employeur")
    RECRUITER = "recruiter", _("Cabinet ou agence de recrutement")
    INSTITUTION = "institution", _("Institution publique")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Autre")


class SizeBand(models.TextChoices):
    UNKNOWN = "", _("Inconnue")
    MICRO = "0-9", _("0 à 9 salariés")
    SMALL = "10-49", _("10 à 49 salariés")
    MEDIUM = "50-249", _("50 à 249 salariés")
    LARGE = "250+", _("250 salariés et plus")


# Who can hire a spouse or a recruit: companies, recruiters, and public employers and institutions (a
# hospital, a prison, a town hall — "Fonction publique" is a contract a candidate accepts).
PARTNER_KINDS = [OrganisationKind.EMPLOYER, OrganisationKind.INSTITUTION, OrganisationKind.RECRUITER]
