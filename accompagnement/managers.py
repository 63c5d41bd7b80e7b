"""Query logic for dossiers and tasks, kept out of views."""

import datetime

from django.db import models
from django.utils import timezone

from .enums import Need, Stage


class HouseholdQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(stage=Stage.CLOSED)

    def of_advisor(self, user):
        return self.filter(advisor=user)

    def unassigned(self):
        return self.filter(advisor__isnull=True).open()

    def editable_by(self, user):
        """The dossiers ``user`` may read and change (the rule of accompagnement/rules.py, as a query)."""
        from osez import roles

        if roles.is_administrator(user) or roles.has_role(user, roles.TEAM_LEAD):
            return self
        if roles.has_role(user, roles.ADVISOR):
            return self.filter(models.Q(advisor=user) | models.Q(advisor__isnull=True))
        return self.none()

    def with_spouse_job_need(self):
        return self.filter(needs__kind=Need.SPOUSE_JOB).distinct()


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def of_user(self, user):
        """Tasks a person must do: their own, and the unowned ones of the dossiers they follow."""
        return self.filter(models.Q(owner=user) | models.Q(owner__isnull=True, household__advisor=user))

    def due_by(self, day=None):
        """Open tasks due on ``day`` or earlier (today by default): what an advisor must do now."""
        return self.open().filter(due_date__lte=day or timezone.localdate())

    def overdue_by_more_than(self, days, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today - datetime.timedelta(days=days))
