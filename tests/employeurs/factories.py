"""Employer accounts, kits and referrals for the tests (every name is fictional)."""

import factory
from django.contrib.auth.models import Group

from employeurs import services
from employeurs.models import EmployerAccount, TerritoryKit
from osez.roles import EMPLOYER
from tests.factories import CommuneFactory, UserFactory
from tests.partenaires.factories import OrganisationFactory


class EmployerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerAccount
        skip_postgeneration_save = True  # the role hook changes the user's groups, not the account

    user = factory.SubFactory(
        UserFactory, is_staff=False, username=factory.Sequence(lambda n: f"employeur{n}")
    )
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.user.groups.add(Group.objects.get_or_create(name=EMPLOYER)[0])


class TerritoryKitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritoryKit

    # No commune of its own: the tests decide which communes lie around the workplace.
    organisation = factory.SubFactory(OrganisationFactory, commune=None)
    job_title = "Infirmier·ère de bloc (fictif)"
    workplace = factory.SubFactory(CommuneFactory)
    commute_km = 20


def referral(account, *, first_name="Prénom", last_name="Fictif", share=True, **extra):
    data = {
        "first_name": first_name,
        "last_name": last_name,
        "email": f"{first_name.lower()}.{last_name.lower()}@example.org",
        "phone": "",
        "adults": 2,
        "children": [2018],
        "arrival_date": None,
        "origin": "Lyon",
        "job_title": "Infirmier·ère (fictif)",
        "consent_contact": True,
        "consent_share_stage": share,
        **extra,
    }
    return services.refer(account, data)
