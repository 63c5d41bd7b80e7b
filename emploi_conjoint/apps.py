"""The spouse-employment pipeline: the HR workspace under /admin/emploi/."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploiConjointConfig(AppConfig):
    name = "emploi_conjoint"
    verbose_name = _("Emploi du conjoint")

    def ready(self):
        from django.db.models.signals import post_save

        from accompagnement.models import HouseholdNeed
        from accompagnement.panels import register_dossier_panel
        from osez import demo, retention, rights, roles, staff
        from partenaires import registry as partner_counts

        from . import demo as demo_data
        from . import models, one_truth, panels
        from . import retention as rules
        from .signals import stage_changed

        partner_counts.register_count("opportunities", "opportunities", _("Offres"), order=20)
        partner_counts.register_count("introductions", "introductions", _("Mises en relation"), order=30)

        # One truth: the dossier's spouse-job need and the candidate's stage move together.
        stage_changed.connect(one_truth.on_stage_changed, dispatch_uid="emploi-conjoint-stage-to-need")
        post_save.connect(
            one_truth.on_need_saved, sender=HouseholdNeed, dispatch_uid="emploi-conjoint-need-to-stage"
        )
        register_dossier_panel(
            "emploi_conjoint", "emploi_conjoint/_dossier_panel.html", panels.dossier_panel, 50
        )

        models.register_auditlog()
        # Proof of consent and the kind of file stay when a dossier is anonymised.
        rights.keep_text_fields(models.Consent, "text_version")
        rights.keep_text_fields(models.CVVersion, "file_kind")
        retention.register(rules.CVS_OF_INACTIVE_SEARCHES)
        demo.register_loader(demo_data.load, order=20)
        staff.add_nav_link(
            "emploi_conjoint:board",
            _("Emploi du conjoint"),
            roles=[roles.HR, roles.TEAM_LEAD, roles.ADVISOR],
            order=70,
        )
        # Every figure in the navigation (they were reachable only by typing the URL).
        staff.add_nav_link(
            "emploi_conjoint:figures",
            _("Chiffres emploi du conjoint"),
            roles=[roles.HR, roles.TEAM_LEAD, roles.MARKETING],
            order=75,
        )
