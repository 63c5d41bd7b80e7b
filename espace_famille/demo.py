"""Fictional family spaces for the demonstration: the arrived demo dossiers get an address to sign in
with, a short exchange of messages and a ticked step (idempotent; every text says it is fictional)."""

from django.db import transaction

from accompagnement.enums import Stage
from accompagnement.models import Household

from .models import Author, ChecklistItem, ChecklistTick, Message


def load(stdout=None):
    addresses = []
    households = Household.objects.filter(reference__startswith="FICTIF-ACC-", stage=Stage.ARRIVED)
    for household in households.select_related("advisor").order_by("reference"):
        adult = household.adults.order_by("pk").first()
        if adult is None or not household.email:
            continue
        with transaction.atomic():
            if not adult.email:
                adult.email = household.email
                adult.save(update_fields=["email"])
            addresses.append(adult.email)
            if household.family_messages.exists():
                continue
            Message.objects.create(
                household=household, author=Author.FAMILY, adult=adult,
                text="Bonjour, où inscrire les enfants à la cantine ? (message fictif)",
            )  # fmt: skip
            Message.objects.create(
                household=household, author=Author.ADVISOR, staff=household.advisor,
                text="Bonjour, cela se fait en mairie ; je vous envoie le formulaire. (message fictif)",
            )  # fmt: skip
            general = ChecklistItem.objects.filter(need="", is_active=True).order_by("order").first()
            if general is not None:
                ChecklistTick.objects.get_or_create(
                    household=household, item=general, defaults={"adult": adult}
                )
    if stdout is not None:
        stdout.write(
            "Espaces famille fictifs : demandez un lien sur /mon-espace/connexion/ pour "
            + (", ".join(addresses) or "aucune adresse")
            + " (le courriel s'affiche dans la console en local)."
        )
    return len(addresses)
