"""Values every template needs: the site's name and the configured territory."""

from django.conf import settings

from communes.departements import DEPARTEMENTS


def site(request):
    codes = settings.OSEZ_DEPARTEMENTS
    return {
        "site_name": settings.OSEZ_SITE_NAME,
        "territory_name": ", ".join(DEPARTEMENTS[c] for c in codes) if len(codes) <= 3 else "France",
        "request_id": getattr(request, "request_id", ""),
    }
