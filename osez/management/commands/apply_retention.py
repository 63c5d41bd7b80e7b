"""Apply the retention rules now (what the nightly task ``osez.apply_retention`` does), or count with --dry-run."""

from django.core.management.base import BaseCommand

from osez import retention


class Command(BaseCommand):
    help = (
        "Anonymise les dossiers terminés, supprime les CV et les demandes restées sans suite une fois passés "
        "leurs délais de conservation (réglages OSEZ_RETENTION_*). --dry-run compte sans rien modifier."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Compte ce qui serait traité, sans rien modifier."
        )

    def handle(self, dry_run=False, **options):
        counts = retention.apply_retention(dry_run=True) if dry_run else retention.apply_retention_recorded()
        prefix = "Simulation (rien n'est modifié) : " if dry_run else ""
        self.stdout.write(f"{prefix}{retention.describe(counts)}.")
