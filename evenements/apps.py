"""Events of the welcome service (welcome evenings, fairs, job datings…): public sign-up with a waiting
list, the staff's attendee and check-in lists, a dossier for an attendee, each event's figures."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvenementsConfig(AppConfig):
    name = "evenements"
    verbose_name = _("Événements")

    def ready(self):
        from accompagnement import timeline
        from accompagnement.duplicates import register_merge_step
        from osez import demo, retention, rights, roles, staff
        from osez.signals import invalidate_public_cache_on
        from portail import sitemaps

        from . import demo as demo_data
        from . import panel, services
        from . import retention as rules
        from . import sitemaps as event_sitemaps
        from .models import Event, Registration

        # The public list shows events: a change publishes at once.
        invalidate_public_cache_on(Event)
        timeline.register_source(panel.timeline_events)
        register_merge_step("inscriptions", _("inscriptions à des événements"), services.merge_registrations)
        retention.register(rules.EVENT_REGISTRATIONS)
        # The list and each published event to come, in sitemap.xml.
        sitemaps.register("evenements", event_sitemaps.EventListSitemap)
        sitemaps.register("evenements-dates", event_sitemaps.EventSitemap)
        # A sign-up linked to a dossier is part of it (cascading key): exported and erased with it; what
        # anonymisation keeps is the proof of consent.
        rights.keep_text_fields(Registration, "consent_text_version")
        demo.register_loader(demo_data.load, order=50)
        staff.add_nav_link(
            "evenements_staff:events",
            _("Événements"),
            roles=[roles.ADVISOR, roles.TEAM_LEAD, roles.MARKETING],
            order=45,
        )
