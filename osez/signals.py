"""Invalidate the public cache whenever data that public pages or the API show is published or edited.

Each app declares its models whose rows appear on public pages or in the API with
``invalidate_public_cache_on()`` from its ``AppConfig.ready()`` (communes: places, layers, imports…;
portail: sheets). Bulk writes by importers send no signal; the import's own ``ImportRecord`` save (one
per run) does, which is when a refresh publishes.
"""

from django.db.models.signals import post_delete, post_save

from .cache import bump_data_generation

_public_models = set()


def _bump(sender, **kwargs):
    bump_data_generation(reason=sender._meta.label)


def invalidate_public_cache_on(*models):
    for model in models:
        label = model._meta.label
        _public_models.add(label)
        post_save.connect(_bump, sender=model, dispatch_uid=f"osez-cache-{label}-save")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"osez-cache-{label}-delete")


def public_models():
    """Labels of the models whose changes invalidate the public cache (for checks and docs)."""
    return frozenset(_public_models)
