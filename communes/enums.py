"""Choices of the communes app: themes of layers, source states, import outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.TextChoices):
    ECOLE = "ecole", _("École et enseignement")
    PETITE_ENFANCE = "petite_enfance", _("Petite enfance")
    SANTE = "sante", _("Santé")
    ANIMAUX = "animaux", _("Animaux")
    SPORT = "sport", _("Sport")
    TOURISME = "tourisme", _("Tourisme et hébergement")
    VIE_LOCALE = "vie_locale", _("Vie locale")


class SourceState(models.TextChoices):
    NEVER = "never", _("Jamais importée")
    OK = "ok", _("À jour")
    FAILED = "failed", _("Dernière mise à jour en échec")
    RUNNING = "running", _("Mise à jour en cours")


class ImportOutcome(models.TextChoices):
    RUNNING = "running", _("En cours")
    SUCCESS = "success", _("Publiée")
    REFUSED = "refused", _("Refusée (lot invalide)")
    FAILED = "failed", _("Échec")


class UploadState(models.TextChoices):
    PREVIEW = "preview", _("En aperçu")
    PUBLISHED = "published", _("Publiée")
    DISCARDED = "discarded", _("Abandonnée")


class PositionQuality(models.TextChoices):
    EXACT = "exact", _("Position exacte")
    APPROXIMATE = "approximate", _("Position approximative")
    UNKNOWN = "unknown", _("Position inconnue")


class IndicatorLevel(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunalité (EPCI)")
    DEPARTEMENT = "departement", _("Département")
