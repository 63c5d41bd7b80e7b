"""Erase one household and everything attached to it, on the person's request (audited, files deleted)."""

from django.core.management.base import BaseCommand, CommandError

from osez import rights


class Command(BaseCommand):
    help = "Efface définitivement un dossier famille, ses fichiers et son historique, à la demande de la personne."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="Référence du dossier, par exemple OSZ-2026-0042")
        parser.add_argument("--yes", action="store_true", help="Confirme l'effacement définitif.")
        parser.add_argument("--reason", default="", help="Origine de la demande, sans donnée personnelle.")

    def handle(self, reference, yes=False, reason="", **options):
        subject = rights.find(reference)
        if subject is None:
            raise CommandError(f"Aucun dossier ne porte la référence {reference!r}.")
        if not yes:
            raise CommandError("L'effacement est définitif : relancez avec --yes pour confirmer.")
        counts = rights.erase(subject, None, reason=f"commande erase_household. {reason}")
        self.stdout.write(
            f"{reference} effacé : {counts['records']} enregistrements, {counts['files']} fichiers supprimés."
        )
