"""The family's own space: the first year, shared between the household and its advisor."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EspaceFamilleConfig(AppConfig):
    name = "espace_famille"
    verbose_name = _("Espace famille")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accompagnement import timeline
        from accompagnement.duplicates import register_merge_step
        from accompagnement.panels import register_dossier_panel
        from osez import demo, roles, staff
        from portail.signals import support_request_submitted

        from . import demo as demo_data
        from . import panel, receivers, services, session

        support_request_submitted.connect(
            receivers.send_link_after_request, dispatch_uid="espace-famille-sign-in-link"
        )
        user_logged_in.connect(session.drop_family_session, dispatch_uid="espace-famille-staff-login")
        register_dossier_panel(
            "espace_famille", "espace_famille/dossier_panel.html", panel.dossier_panel, order=20
        )
        timeline.register_source(panel.timeline_events)
        # A merge of two dossiers takes what the family did in its space into the dossier kept.
        register_merge_step("messages", _("messages de la famille"), services.merge_messages)
        register_merge_step("demarches", _("démarches cochées"), services.merge_ticks)
        register_merge_step("questionnaires", _("questionnaires « Comment ça va ? »"), services.merge_surveys)
        register_merge_step("effacement", _("demandes d'effacement"), services.merge_erasure_requests)
        receivers.register_auditlog()
        demo.register_loader(demo_data.load, order=40)
        staff.add_nav_link(
            "espace_famille_staff:figures",
            _("« Comment ça va ? »"),
            roles=[roles.ADVISOR, roles.TEAM_LEAD, roles.MARKETING],
            order=65,
        )
        roles.grant_permissions(
            [f"espace_famille.{action}_checklistitem" for action in ("view", "add", "change")],
            roles.ADVISOR,
            roles.TEAM_LEAD,
        )
