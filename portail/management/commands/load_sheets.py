"""Create the practical sheets of ``fixtures/sheets/`` that the site does not have yet (never overwrites)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portail import seed


class Command(BaseCommand):
    help = (
        "Crée les fiches pratiques de fixtures/sheets/ qui n'existent pas encore ; ne modifie jamais une "
        "fiche existante (les équipes les réécrivent dans l'administration)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--folder", type=Path, help="Dossier des fiches (par défaut fixtures/sheets/).")

    def handle(self, folder=None, **options):
        try:
            created, kept, translated = seed.load_sheets(folder)
        except (seed.SheetFileError, OSError) as error:
            raise CommandError(f"Fiches non chargées : {error}") from error
        self.stdout.write(
            f"Fiches pratiques : {len(created)} créée(s), {len(kept)} déjà présente(s) conservée(s), "
            f"{len(translated)} traduction(s) ajoutée(s) à une fiche qui n'en avait pas."
        )
