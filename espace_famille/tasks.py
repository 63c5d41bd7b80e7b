"""Celery tasks of the family space: thin wrappers around services (the survey run is also a command)."""

from celery import shared_task


@shared_task(name="espace_famille.send_sign_in_links")
def send_sign_in_links(address, language=None):
    """Links for the adults this address belongs to (none for an unknown address: the page said the same),
    each in its household's language. ``language`` is no longer read: tasks queued before the household
    stored its language still carry it."""
    from .services import adults_for_address, send_sign_in_link

    return sum(send_sign_in_link(adult) for adult in adults_for_address(address))


@shared_task(name="espace_famille.run_settling_surveys")
def run_settling_surveys():
    """Every morning: invite families at 6 and 12 months, remind twice, then alert the advisor."""
    from .services import run_surveys

    return run_surveys()
