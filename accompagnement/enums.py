"""Choices of the accompagnement app (the needs and arrival horizons a family states on the public form are
declared by portail, which must not depend on the back-office, and re-exported here)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portail.enums import ArrivalHorizon, Need

__all__ = [
    "ArrivalHorizon",
    "Channel",
    "IntakeChannel",
    "InteractionKind",
    "Language",
    "Need",
    "NeedState",
    "Outcome",
    "Stage",
    "TaskKind",
]


class Channel(models.TextChoices):
    """How the family heard of the service (asked at first contact, counted in the figures)."""

    LINKEDIN = "linkedin", _("LinkedIn")
    FAIR = "salon", _("Salon ou forum")
    WORD_OF_MOUTH = "bouche_a_oreille", _("Bouche-à-oreille")
    PARTNER_EMPLOYER = "employeur", _("Employeur partenaire")
    WEBSITE = "site_web", _("Site web")
    EVENT = "evenement", _("Événement")
    OTHER = "autre", _("Autre")
    UNKNOWN = "", _("Non renseigné")


class IntakeChannel(models.TextChoices):
    """How the dossier was opened (not how the family heard of the service: that is ``Channel``)."""

    WEB_FORM = "formulaire", _("Demande sur le site")
    PHONE = "telephone", _("Appel téléphonique")
    FAIR = "salon", _("Salon ou forum")
    EMAIL = "courriel", _("Courriel")
    MEETING = "rendez_vous", _("Rendez-vous ou visite")
    EVENT = "evenement", _("Événement organisé par le service")
    EMPLOYER_REFERRAL = "employeur", _("Orientation par un employeur partenaire")
    COHORT_IMPORT = "groupe", _("Arrivée en groupe (fichier importé)")
    OTHER = "autre", _("Autre")


class Stage(models.TextChoices):
    """Where a dossier stands; the order of the members is the order of the stages."""

    NEW = "nouvelle_demande", _("Nouvelle demande")
    FIRST_CONTACT = "premier_contact", _("Premier contact")
    PROJECT = "projet", _("Projet d'installation")
    ARRIVED = "arrive", _("Arrivé (suivi première année)")
    CLOSED = "termine", _("Suivi terminé")


class Outcome(models.TextChoices):
    """How a closed dossier ended."""

    SETTLED = "installe", _("Installé durablement")
    LEFT = "reparti", _("Reparti")
    LOST = "perdu_de_vue", _("Perdu de vue")
    NO_FOLLOW_UP = "sans_suite", _("Sans suite")


class NeedState(models.TextChoices):
    TO_DO = "a_traiter", _("À traiter")
    IN_PROGRESS = "en_cours", _("En cours")
    RESOLVED = "resolu", _("Résolu")
    NOT_APPLICABLE = "sans_objet", _("Sans objet")


class InteractionKind(models.TextChoices):
    CALL = "appel", _("Appel")
    EMAIL = "courriel", _("Courriel")
    MEETING = "rendez_vous", _("Rendez-vous")
    EVENT = "evenement", _("Événement")
    NOTE = "note", _("Note")
    REQUEST = "demande", _("Message de la famille (formulaire)")


class TaskKind(models.TextChoices):
    MILESTONE = "jalon", _("Point de suivi")
    OTHER = "autre", _("Autre tâche")


class Language(models.TextChoices):
    """The language a household reads: the family space and every e-mail it is sent speak it."""

    FRENCH = "fr", _("français")
    ENGLISH = "en", _("anglais")

    @classmethod
    def of(cls, code):
        """The household language ("fr", "en": a plain string) for a request's language code ("en", "en-gb"…);
        French for anything else."""
        english = str(code or "").lower().split("-")[0] == cls.ENGLISH.value
        return cls.ENGLISH.value if english else cls.FRENCH.value
