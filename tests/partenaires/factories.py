"""factory_boy factories for the partner organisations."""

import factory

from partenaires.enums import OrganisationKind
from partenaires.models import Contact, Organisation
from tests.factories import CommuneFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Entreprise fictive {n}")
    kind = OrganisationKind.EMPLOYER
    sector = "industrie"
    commune = factory.SubFactory(CommuneFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contact fictif {n}")
