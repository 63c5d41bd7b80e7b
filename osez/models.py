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


class AccessLog(models.Model):
    """One read, write, download or export of personal data by a staff account (see osez.audit)."""

    from .audit import Action as _Action

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        "auth.User",
        verbose_name=_("compte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=_Action.CHOICES)
    address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    object_type = models.CharField(_("type d'objet"), max_length=100, blank=True)
    object_id = models.CharField(_("identifiant"), max_length=64, blank=True)
    object_repr = models.CharField(_("objet"), max_length=200, blank=True)
    detail = models.CharField(_("détail"), max_length=300, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("trace d'accès")
        verbose_name_plural = _("journal des accès")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_repr}"


class JobRun(models.Model):
    """One run of a scheduled job (reminders, retention…), so that admins see that it ran and what it did."""

    name = models.CharField(_("tâche"), max_length=100, db_index=True)
    started_at = models.DateTimeField(_("début"))
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    succeeded = models.BooleanField(_("réussie"), null=True)
    counts = models.JSONField(_("résultats"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("exécution d'une tâche planifiée")
        verbose_name_plural = _("exécutions des tâches planifiées")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M}"
