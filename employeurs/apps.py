"""Partner employers' own space (issue 17): territory kits, referrals of recruits who move, their stage."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployeursConfig(AppConfig):
    name = "employeurs"
    verbose_name = _("Employeurs partenaires")

    def ready(self):
        from accompagnement.duplicates import register_merge_step
        from accompagnement.panels import register_dossier_panel
        from osez import demo, rights
        from partenaires import registry

        from . import demo as demo_data
        from . import panels, services
        from .models import Referral

        registry.register_section(
            "employer-accounts", "employeurs/_organisation_accounts.html", panels.organisation_section, 10
        )
        register_dossier_panel("employeurs", "employeurs/_dossier_panel.html", panels.dossier_panel, 40)
        register_merge_step("orientation", _("orientation par un employeur"), services.merge_referral)
        demo.register_loader(demo_data.load, order=40)
        # A referral hangs off the dossier (cascade): exported, erased and anonymised with it; the version
        # of what the recruit agreed to is a proof, not about the person.
        rights.keep_text_fields(Referral, "consent_text_version")
