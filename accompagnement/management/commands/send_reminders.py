"""Send the advisors' task reminders now (what the Celery beat runs every morning)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from accompagnement.services import send_reminders


class Command(BaseCommand):
    help = "Envoie à chaque conseiller·ère ses tâches du jour et en retard, et les gros retards aux responsables."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Faire comme si nous étions ce jour (AAAA-MM-JJ).")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"Date invalide : {date!r} (attendu AAAA-MM-JJ).") from None
        advisors, leads = send_reminders(today)
        self.stdout.write(f"Rappels envoyés : {advisors} conseiller·ère·s, {leads} responsable·s d'équipe.")
