"""Invite, remind and alert for the "How is it going?" surveys (what the daily Celery task runs)."""

from django.core.management.base import BaseCommand

from espace_famille.services import run_surveys


class Command(BaseCommand):
    help = "Questionnaires « Comment ça va ? » à 6 et 12 mois : invitations, relances et alertes."

    def handle(self, *args, **options):
        counts = run_surveys()
        self.stdout.write(
            f"{counts['invited']} invitation(s), {counts['reminded']} relance(s), {counts['alerted']} alerte(s)"
        )
