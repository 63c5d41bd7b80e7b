"""The advisors' back-office: household dossiers from first contact through the first year."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompagnementConfig(AppConfig):
    name = "accompagnement"
    verbose_name = _("Accompagnement des familles")

    def ready(self):
        from portail.signals import support_request_submitted

        from . import receivers

        support_request_submitted.connect(
            receivers.open_dossier_from_request, dispatch_uid="accompagnement-open-dossier"
        )
        receivers.register_auditlog()
