"""Choices of the accompagnement app."""

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


class Need(models.TextChoices):
    """What a household needs help with; shared by the public request form and the dossier."""

    HOUSING = "logement", _("Logement")
    SCHOOL = "ecole", _("École")
    CHILDCARE = "garde", _("Garde d'enfants")
    DOCTOR = "medecin", _("Médecin traitant")
    SPOUSE_JOB = "emploi_conjoint", _("Emploi du conjoint")
    OTHER = "autre", _("Autre")


class ArrivalHorizon(models.TextChoices):
    UNDER_3_MONTHS = "3m", _("Dans moins de 3 mois")
    UNDER_6_MONTHS = "6m", _("Dans 3 à 6 mois")
    UNDER_12_MONTHS = "12m", _("Dans 6 à 12 mois")
    LATER = "later", _("Plus tard ou je ne sais pas encore")
    ALREADY = "arrived", _("Je suis déjà arrivé·e")
