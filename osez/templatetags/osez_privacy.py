"""Template values of the privacy page that come from settings, so the page never drifts from what runs."""

from django import template
from django.conf import settings

register = template.Library()

RETENTION_SETTINGS = {
    "closed": "OSEZ_RETENTION_CLOSED_MONTHS",
    "cv": "OSEZ_RETENTION_CV_MONTHS",
    "request": "OSEZ_RETENTION_REQUEST_MONTHS",
    "access_log": "OSEZ_RETENTION_ACCESS_LOG_MONTHS",
    "event": "OSEZ_RETENTION_EVENT_MONTHS",
}


@register.simple_tag
def retention_months(kind):
    """The retention delay in months for ``closed``, ``cv``, ``request``, ``access_log`` or ``event``."""
    return getattr(settings, RETENTION_SETTINGS[kind])


@register.simple_tag
def session_idle_minutes():
    return settings.OSEZ_SESSION_IDLE_SECONDS // 60
