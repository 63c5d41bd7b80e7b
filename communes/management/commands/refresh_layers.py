"""``manage.py refresh_layers``: download (unless --offline) and import the open-data sources, then proximity."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from communes import services
from communes.departements import DEPARTEMENTS
from communes.sources import SOURCE_SLUGS


class Command(BaseCommand):
    help = "Télécharge et importe les sources de données ouvertes, puis recalcule les proximités."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            action="append",
            choices=SOURCE_SLUGS,
            dest="sources",
            help="source à rafraîchir (répétable ; toutes par défaut)",
        )
        parser.add_argument(
            "--offline", action="store_true", help="n'utiliser que le cache brut (OSEZ_RAW_DIR)"
        )
        parser.add_argument(
            "--departement",
            action="append",
            dest="departements",
            help="code de département (répétable ; OSEZ_DEPARTEMENTS par défaut)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="publier un lot qui a perdu plus de 20 %% de lignes (après vérification)",
        )
        parser.add_argument("--no-proximity", action="store_true", help="ne pas recalculer les proximités")

    def handle(self, *args, **options):
        departements = options["departements"] or list(settings.OSEZ_DEPARTEMENTS)
        unknown = [d for d in departements if d not in DEPARTEMENTS]
        if unknown:
            raise CommandError(f"département(s) inconnu(s) : {', '.join(unknown)}")
        # Keep the registry first: the layers need its communes.
        wanted = options["sources"] or list(SOURCE_SLUGS)
        slugs = [s for s in SOURCE_SLUGS if s in wanted]
        tty = sys.stderr.isatty()
        failed = []
        places_changed = False
        for slug in slugs:
            bar = tqdm(desc=slug, unit=" lignes", file=sys.stderr, leave=False) if tty else None
            try:
                outcome = services.refresh_source(
                    slug, offline=options["offline"], departements=departements, force=options["force"],
                    progress=bar.update if bar else None, triggered_by="refresh_layers",
                )  # fmt: skip
            finally:
                if bar:
                    bar.close()
            style = self.style.SUCCESS if outcome.ok else self.style.ERROR
            self.stdout.write(style(outcome.summary()))
            for row in outcome.record.rejected_rows[:5]:
                self.stdout.write(f"    rejeté ligne {row['ligne']} {row['ref']} : {row['raison']}")
            if not outcome.ok:
                failed.append(slug)
            elif outcome.moves_proximity:
                places_changed = True
        if places_changed and not options["no_proximity"]:
            rows, duration = services.compute_proximity()
            self.stdout.write(f"proximités : {rows} lignes calculées ({duration:.1f} s)")
        elif not options["no_proximity"]:
            # As the nightly task does: unchanged places give unchanged proximity figures (and figures per
            # commune never move them).
            self.stdout.write("proximités : aucun lieu ni aucune commune n'a changé, figures conservées")
        if failed:
            raise CommandError(
                f"source(s) en échec : {', '.join(failed)} — leurs données publiées sont inchangées"
            )
