"""Values the public pages need on every page: the name of the configured territory, the service's contact."""

from django.conf import settings
from django.utils import translation

from communes.departements import DEPARTEMENTS


def territory(request):
    codes = settings.OSEZ_DEPARTEMENTS
    return {"territory_name": ", ".join(DEPARTEMENTS[c] for c in codes) if len(codes) <= 3 else "France"}


def service_contact(request):
    """The welcome service's phone, e-mail, postal address and hours (settings OSEZ_SERVICE_*)."""
    from communes.contacts import tel_href

    return {
        "service": {
            "phone": settings.OSEZ_SERVICE_PHONE,
            "phone_href": tel_href(settings.OSEZ_SERVICE_PHONE),
            "email": settings.OSEZ_SERVICE_EMAIL,
            "address": settings.OSEZ_SERVICE_ADDRESS,
            # The opening hours are a sentence: the English pages show their English version.
            "hours": (
                settings.OSEZ_SERVICE_HOURS_EN
                if translation.get_language() == "en" and settings.OSEZ_SERVICE_HOURS_EN
                else settings.OSEZ_SERVICE_HOURS
            ),
            "is_demo": settings.OSEZ_SERVICE_IS_DEMO,
            "response_days": settings.OSEZ_SERVICE_RESPONSE_DAYS,
        }
    }
