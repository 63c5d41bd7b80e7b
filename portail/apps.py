from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortailConfig(AppConfig):
    name = "portail"
    verbose_name = _("Site public")

    def ready(self):
        from osez import roles
        from osez.signals import invalidate_public_cache_on

        from .models import Sheet, SheetAttachment

        invalidate_public_cache_on(Sheet, SheetAttachment)
        # Thematic sheets are written by the people who know the territory.
        roles.grant_permissions(
            [
                f"portail.{action}_{model}"
                for model in ("sheet", "sheetattachment")
                for action in ("view", "add", "change", "delete")
            ],
            roles.ADVISOR,
            roles.TEAM_LEAD,
            roles.MARKETING,
        )
