"""The advisors' back-office: household dossiers from first contact through the first year."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompagnementConfig(AppConfig):
    name = "accompagnement"
    verbose_name = _("Accompagnement des familles")

    def ready(self):
        from osez import demo, retention, rights, roles, staff
        from partenaires import registry as partner_counts
        from portail.signals import support_request_submitted

        from . import demo as demo_data
        from . import receivers
        from . import retention as rules
        from .models import Household

        support_request_submitted.connect(
            receivers.open_dossier_from_request, dispatch_uid="accompagnement-open-dossier"
        )
        receivers.register_auditlog()

        # The rights desk finds a dossier by its reference; the request it came from goes with it.
        rights.register_subject(Household, reference_field="reference", linked=lambda h: [h.support_request])
        # The campaign a family came by is a figure, not who they are: anonymisation keeps it.
        rights.keep_text_fields(
            Household,
            "reference",
            "consent_text_version",
            "campaign_source",
            "campaign_medium",
            "campaign_name",
            "referral",
        )
        retention.register(rules.CLOSED_DOSSIERS)
        retention.register(rules.REQUESTS_WITHOUT_FOLLOW_UP)
        demo.register_loader(demo_data.load, order=10)
        partner_counts.register_count("households", "households", _("Dossiers envoyés"), order=10)

        dossiers = (roles.ADVISOR, roles.TEAM_LEAD)
        staff.add_nav_link("accompagnement:home", _("Mes dossiers"), roles=dossiers, order=10)
        staff.add_nav_link(
            "accompagnement:home", _("Familles (emploi du conjoint)"), roles=[roles.HR], order=20
        )
        staff.add_nav_link("accompagnement:tasks", _("Mes tâches"), roles=dossiers, order=30)
        staff.add_nav_link("accompagnement:team", _("Équipe"), roles=[roles.TEAM_LEAD], order=35)
        staff.add_nav_link("accompagnement:cohorts", _("Arrivées en groupe"), roles=dossiers, order=38)
        staff.add_nav_link(
            "admin:accompagnement_household_changelist", _("Tous les dossiers"), roles=dossiers, order=40
        )
        staff.add_nav_link(
            "accompagnement:figures", _("Chiffres"), roles=[*dossiers, roles.MARKETING], order=60
        )
        staff.add_nav_link(
            "accompagnement:marketing",
            _("Campagnes et canaux"),
            roles=[*dossiers, roles.MARKETING],
            order=62,
        )
