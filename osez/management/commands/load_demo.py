"""Load the fictional demo data of every app (idempotent): ``osez.demo`` runs each app's loader."""

from django.core.management.base import BaseCommand

from osez import demo


class Command(BaseCommand):
    help = "Crée des comptes, partenaires, dossiers et suivis emploi FICTIFS de démonstration (sans effet si déjà créés)."

    def handle(self, *args, **options):
        demo.load_all(stdout=self.stdout)
