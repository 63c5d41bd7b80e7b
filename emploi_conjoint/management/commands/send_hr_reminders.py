"""Send each HR specialist their due follow-ups by e-mail (what the morning Celery task runs)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from emploi_conjoint.services import send_reminders


class Command(BaseCommand):
    help = "Envoie à chaque chargé·e RH ses relances du jour (mises en relation à relancer)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Jour de référence AAAA-MM-JJ (par défaut : aujourd'hui).")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("Date attendue au format AAAA-MM-JJ.") from exc
        sent = send_reminders(today)
        self.stdout.write(f"{sent} courriel(s) de relance envoyé(s).")
