"""Partner organisations in one home: model, admin, staff pages, CSV import, demo data, employer accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartenairesConfig(AppConfig):
    name = "partenaires"
    verbose_name = _("Organisations partenaires")

    def ready(self):
        from osez import demo, roles, staff

        from . import demo as demo_data
        from . import receivers

        receivers.register_auditlog()
        demo.register_loader(demo_data.load, order=5)
        staff.add_nav_link(
            "partenaires:organisations",
            _("Partenaires"),
            roles=[roles.ADVISOR, roles.TEAM_LEAD, roles.HR],
            order=50,
        )
