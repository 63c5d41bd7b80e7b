"""Values every template needs: the site's name and the request id (quoted on error pages)."""

from django.conf import settings


def site(request):
    return {
        "site_name": settings.OSEZ_SITE_NAME,
        "request_id": getattr(request, "request_id", ""),
    }
