"""Open a dossier for every request of the public site that has none yet (after an outage; idempotent)."""

from django.core.management.base import BaseCommand

from accompagnement.services import open_from_support_request
from portail.models import SupportRequest


class Command(BaseCommand):
    help = "Ouvre un dossier pour chaque demande du site public qui n'en a pas encore."

    def handle(self, *args, **options):
        pending = SupportRequest.objects.filter(household__isnull=True).order_by("created_at")
        opened = [open_from_support_request(request).reference for request in pending]
        self.stdout.write(f"{len(opened)} dossier(s) ouvert(s){' : ' + ', '.join(opened) if opened else '.'}")
