from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploiConjointConfig(AppConfig):
    name = "emploi_conjoint"
    verbose_name = _("Emploi du conjoint")
