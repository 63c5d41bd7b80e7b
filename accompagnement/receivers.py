"""Signal receivers of the back-office, and what django-auditlog records of its models."""

import logging

logger = logging.getLogger(__name__)


def open_dossier_from_request(sender, support_request, language=None, **kwargs):
    """A family submitted /demande/: open their dossier in "nouvelle demande", in the page's language."""
    from .services import open_from_support_request

    try:
        household = open_from_support_request(support_request, language=language)
    except Exception:
        # The request itself is saved: the family must still get its confirmation, and
        # `manage.py open_pending_requests` opens the dossier once the cause is fixed.
        logger.exception("could not open a dossier for support request %s", support_request.pk)
        return None
    logger.info("dossier %s opened from support request %s", household.reference, support_request.pk)
    return household


def register_auditlog():
    """Log field changes of dossiers, but never the free text of notes (it stays in one place only)."""
    from auditlog.registry import auditlog

    from . import models

    registrations = [
        (
            models.Household,
            {"exclude_fields": ["updated_at", "version"], "m2m_fields": {"communes_considered"}},
        ),
        (models.Adult, {}),
        (models.Child, {}),
        (models.HouseholdNeed, {"exclude_fields": ["note"]}),
        (models.Task, {}),
        (models.Interaction, {"exclude_fields": ["text"]}),
        (models.PinnedPlace, {}),
    ]
    for model, options in registrations:
        if not auditlog.contains(model):
            auditlog.register(model, **options)
