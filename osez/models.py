"""Operational records of the project itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """A trace left by a Celery worker: proves the broker, a worker and the database work together."""

    label = models.CharField(max_length=100)
    ran_at = models.DateTimeField()

    class Meta:
        verbose_name = _("battement de cœur Celery")
        ordering = ["-ran_at"]

    def __str__(self):
        return f"{self.label} {self.ran_at:%Y-%m-%d %H:%M:%S}"
