"""Osez: the Django project (settings, URLs, Celery app), and the registries and shared mechanics the
domain apps plug into from their ``AppConfig.ready()`` (roles, staff pages, stage machines, locking,
retention, rights, public cache, demo data).

The house style keeps ``osez/`` to settings, URLs and the Celery app; the shared mechanics live here too
because every app needs them and none may own them (an app importing another to reach them would make
the dependencies circular). This package imports no domain app: ``make quality`` checks it.
"""

from .celery import app as celery_app

__all__ = ("celery_app",)
