"""Signals of the public site. ``support_request_submitted`` is sent after the request is committed;
the back-office (accompagnement) listens to it to open a household dossier, in the family's language."""

from django.dispatch import Signal

# kwargs: support_request (portail.models.SupportRequest), language (the code of the page's language, "fr"
# or "en"; None when unknown)
support_request_submitted = Signal()
