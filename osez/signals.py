"""Invalidate the public cache whenever data that public pages or the API show is published or edited."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from .cache import bump_data_generation

# Models whose rows appear on public pages or in the API. Bulk writes by importers do not send
# signals; the import's own ImportRecord save (one per run) does, which is when a refresh publishes.
PUBLIC_MODELS = (
    "communes.ImportRecord",
    "communes.Commune",
    "communes.Place",
    "communes.Proximity",
    "communes.PlaceAnnotation",
    "communes.Source",
    "communes.Layer",
    "communes.TerritoryUpload",
    "communes.Indicator",
    "portail.Sheet",
    "portail.SheetAttachment",
)


def _bump(sender, **kwargs):
    bump_data_generation(reason=sender._meta.label)


def connect():
    for label in PUBLIC_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:  # a model that this version of the project does not have
            continue
        post_save.connect(_bump, sender=model, dispatch_uid=f"osez-cache-{label}-save")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"osez-cache-{label}-delete")
