"""Query logic of the pipeline: open opportunities, due follow-ups, candidates with their household."""

from django.db import models
from django.utils import timezone

from .enums import Outcome


class CandidateQuerySet(models.QuerySet):
    def with_people(self):
        # A commune's contour is a GeoJSON of several kilobytes: never load it for lists.
        return self.select_related("adult__household", "hr_specialist", "home_commune").defer(
            "home_commune__contour"
        )

    def visible_to(self, user):
        """The candidates an account may see: all for HR, team leads and admins; an installation advisor
        sees only the spouses of the families they follow (their colleagues' families stay theirs)."""
        from osez import roles

        if roles.has_role(user, roles.HR, roles.TEAM_LEAD):
            return self
        if roles.has_role(user, roles.ADVISOR):
            return self.filter(adult__household__advisor=user)
        return self.none()


class OpportunityQuerySet(models.QuerySet):
    def with_places(self):
        return self.select_related("organisation", "commune").defer("commune__contour")

    def open(self, today=None):
        today = today or timezone.localdate()
        return self.filter(models.Q(closing_date__isnull=True) | models.Q(closing_date__gte=today))


class IntroductionQuerySet(models.QuerySet):
    def due(self, today=None):
        """Follow-ups planned for today or earlier, on introductions that can still lead somewhere."""
        today = today or timezone.localdate()
        return (
            self.filter(next_follow_up__isnull=False, next_follow_up__lte=today)
            .exclude(outcome__in=[Outcome.NO_FOLLOW_UP, Outcome.HIRED])
            .select_related("candidate__adult", "organisation", "opportunity")
            .order_by("next_follow_up", "pk")
        )

    def for_user(self, user):
        """What a person has to follow up: introductions they made or of the candidates they follow."""
        return self.filter(models.Q(made_by=user) | models.Q(candidate__hr_specialist=user))
