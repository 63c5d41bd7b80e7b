"""Choices of the spouse-employment pipeline: stages (and which moves are allowed), contracts, outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    ACCUEIL = "accueil", _("Accueil")
    BILAN = "bilan", _("Bilan (envies identifiées)")
    CV_PRET = "cv_pret", _("CV prêt")
    PROSPECTION = "prospection", _("En prospection")
    ENTRETIEN = "entretien", _("En entretien")
    EN_POSTE = "en_poste", _("En poste")
    PAUSE = "pause", _("En pause")
    ABANDON = "abandon", _("Abandon")


# The path a job search follows, in order; pause and abandon sit beside it.
PATH = [Stage.ACCUEIL, Stage.BILAN, Stage.CV_PRET, Stage.PROSPECTION, Stage.ENTRETIEN, Stage.EN_POSTE]
# Stages a candidate can be put on hold from (not from a signed job or an abandon).
ACTIVE = PATH[:-1]
# Stages a candidate leaves only by "reprendre" (back to the stage they left).
ON_HOLD = [Stage.PAUSE, Stage.ABANDON]


class WorkTime(models.TextChoices):
    EITHER = "either", _("Temps plein ou temps partiel")
    FULL = "full", _("Temps plein")
    PART = "part", _("Temps partiel")


class ContractType(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    INTERIM = "interim", _("Intérim")
    ALTERNANCE = "alternance", _("Alternance ou apprentissage")
    FREELANCE = "freelance", _("Indépendant·e ou mission")
    PUBLIC = "public", _("Fonction publique")


class Channel(models.TextChoices):
    EMAIL = "email", _("Courriel")
    PHONE = "phone", _("Téléphone")
    MEETING = "meeting", _("Rencontre")
    CLUB = "club", _("Club d'entreprises")
    PLATFORM = "platform", _("Candidature en ligne")
    OTHER = "other", _("Autre")


class Outcome(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    NO_FOLLOW_UP = "sans_suite", _("Sans suite")
    INTERVIEW = "entretien", _("Entretien")
    OFFER = "offre", _("Offre")
    HIRED = "embauche", _("Embauche")


class StepKind(models.TextChoices):
    """One step of an introduction, each kept as its own entry (nothing is overwritten)."""

    CV_SENT = "cv_envoye", _("CV envoyé")
    INTERVIEW = "entretien", _("Entretien")
    OUTCOME = "resultat", _("Résultat")
    NOTE = "note", _("Note")


class RefusalReason(models.TextChoices):
    """Why an introduction ended without a hire (the figures count them)."""

    PROFILE = "profil", _("Le profil ne correspond pas au poste")
    FILLED = "pourvu", _("Le poste a été pourvu")
    DECLINED = "decline", _("La personne a décliné")
    CONDITIONS = "conditions", _("Salaire, horaires ou conditions")
    DISTANCE = "distance", _("Trop loin du domicile")
    NO_ANSWER = "sans_reponse", _("Pas de réponse de l'organisation")
    CONSENT = "consentement", _("Consentement retiré")
    OTHER = "autre", _("Autre raison (voir la note)")
