"""Signals of the public site. ``support_request_submitted`` is sent after the request is committed;
the back-office (accompagnement) listens to it to open a household dossier."""

from django.dispatch import Signal

# kwargs: support_request (portail.models.SupportRequest)
support_request_submitted = Signal()
