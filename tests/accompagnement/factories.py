"""factory_boy factories for the back-office: dossiers, members, needs, tasks, partners."""

import factory
from django.utils import timezone

from accompagnement import models
from accompagnement.enums import Need, Stage
from tests.partenaires import factories as partner_factories


class OrganisationFactory(partner_factories.OrganisationFactory):
    """A partner with no commune nor sector, as the back-office's tests have always used."""

    sector = ""
    commune = None


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Household

    email = factory.Sequence(lambda n: f"famille{n}@example.org")
    origin = "Lyon"
    stage = Stage.NEW


class AdultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Adult

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Sequence(lambda n: f"Camille{n}")
    last_name = "Fictif"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Child

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Sequence(lambda n: f"Enfant{n}")
    birth_year = factory.LazyFunction(lambda: timezone.localdate().year - 7)


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HouseholdNeed

    household = factory.SubFactory(HouseholdFactory)
    kind = Need.SCHOOL


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Task

    household = factory.SubFactory(HouseholdFactory)
    title = factory.Sequence(lambda n: f"Tâche {n}")
    due_date = factory.LazyFunction(timezone.localdate)
