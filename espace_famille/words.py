"""The dossier's terms in the words a family uses (the back-office's own labels are written for staff)."""

from django.utils.translation import gettext_lazy as _

from accompagnement.enums import Need, NeedState

NEED_WORDS = {
    Need.HOUSING: _("Trouver un logement"),
    Need.SCHOOL: _("Inscrire les enfants à l'école"),
    Need.CHILDCARE: _("Faire garder les plus petits (crèche, assistante maternelle)"),
    Need.DOCTOR: _("Trouver un médecin traitant"),
    Need.SPOUSE_JOB: _("Trouver un emploi pour le conjoint ou la conjointe"),
    Need.OTHER: _("Une autre question"),
}

STATE_WORDS = {
    NeedState.TO_DO: _("Votre conseillère ou conseiller va s'en occuper"),
    NeedState.IN_PROGRESS: _("En cours : nous nous en occupons avec vous"),
    NeedState.RESOLVED: _("C'est réglé"),
    NeedState.NOT_APPLICABLE: _("Plus nécessaire"),
}

GENERAL_CHECKLIST = _("Les démarches de toutes les familles")


def need_words(kind):
    return NEED_WORDS.get(kind, NEED_WORDS[Need.OTHER])


def state_words(state):
    return STATE_WORDS.get(state, "")
