"""Choices of the public site that the back-office shares: what a family asks help with, and when it comes.

They are declared here, where a family states them on /demande/, because the public site must not
depend on the back-office; ``accompagnement.enums`` re-exports them for the dossier's own use.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class ContactPreference(models.TextChoices):
    """How the family wants the advisor to reach it first."""

    PHONE = "phone", _("Par téléphone")
    EMAIL = "email", _("Par courriel")
