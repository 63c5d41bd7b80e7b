"""Choices of the events app: kinds of events, an event's status, a sign-up's status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    WELCOME_EVENING = "soiree_accueil", _("Soirée d'accueil des nouveaux habitants")
    FAIR = "salon", _("Salon ou forum")
    JOB_DATING = "job_dating", _("Job dating")
    MEDICAL_STUDENTS = "soiree_etudiants_sante", _("Soirée des étudiants en santé")
    DISCOVERY_DAY = "journee_decouverte", _("Journée découverte du territoire")
    OTHER = "autre", _("Autre rencontre")


class EventStatus(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon (non publié)")
    PUBLISHED = "publie", _("Publié")
    CANCELLED = "annule", _("Annulé")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "inscrit", _("Inscrit·e")
    WAITING = "attente", _("Liste d'attente")
    CANCELLED = "annule", _("Désinscrit·e")
