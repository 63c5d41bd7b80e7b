"""Write everything held on one household (JSON and files, zipped) for a right-of-access request."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from osez import audit, rights
from osez.models import AccessLog


class Command(BaseCommand):
    help = "Exporte tout ce qui est détenu sur un dossier famille (données JSON et fichiers) dans une archive zip."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="Référence du dossier, par exemple OSZ-2026-0042")
        parser.add_argument("--output", help="Fichier zip à écrire (par défaut osez-<référence>.zip)")

    def handle(self, reference, output=None, **options):
        subject = rights.find(reference)
        if subject is None:
            raise CommandError(f"Aucun dossier ne porte la référence {reference!r}.")
        reference = rights.reference_of(subject)
        content = rights.export(subject)
        path = Path(output or f"osez-{reference}.zip")
        path.write_bytes(content)
        # No request here: the trace names the command instead of a person and an address.
        AccessLog.objects.create(
            action=audit.Action.EXPORT,
            object_type=subject._meta.label,
            object_id=str(subject.pk),
            object_repr=reference,
            detail="export droit d'accès (commande export_household)",
            path="manage.py export_household",
        )
        self.stdout.write(f"{reference} : export écrit dans {path} ({len(content)} octets).")
