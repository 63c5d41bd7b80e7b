"""Signal receivers of the family space."""

import logging

logger = logging.getLogger(__name__)


def send_link_after_request(sender, support_request, **kwargs):
    """A family sent /demande/: the dossier is open (accompagnement's receiver ran first), send its link."""
    from .services import send_welcome_links

    try:
        send_welcome_links(support_request)
    except Exception:  # the request and the dossier are saved: a mail outage must not undo them
        logger.exception("could not send the family-space link of support request %s", support_request.pk)


def register_auditlog():
    """Field changes of the space's rows, never the text of messages or survey answers."""
    from auditlog.registry import auditlog

    from . import models

    registrations = [
        (models.Message, {"exclude_fields": ["text", "attachment", "attachment_name"]}),
        (models.ChecklistItem, {}),
        (models.SpouseSharing, {}),
        (models.SettlingSurvey, {"exclude_fields": ["missing"]}),
        (models.ErasureRequest, {}),
    ]
    for model, options in registrations:
        if not auditlog.contains(model):
            auditlog.register(model, **options)
