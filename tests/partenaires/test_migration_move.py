"""Moving the partner organisations from accompagnement to partenaires loses nothing (issue 15).

Rows written with the models as they were before the move (accompagnement 0008, emploi_conjoint 0004) are
all there after migrating forward, with the same keys, through the new models: organisations, their
contacts, the dossier that an organisation sent, the job offer and the introduction step that point to
them. Runs on the database the suite runs on (PostgreSQL and SQLite in CI).
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accompagnement.models import Household
from emploi_conjoint.models import IntroductionStep, Opportunity
from partenaires.models import Contact, Organisation

BEFORE = [
    ("accompagnement", "0008_french_labels"),
    ("emploi_conjoint", "0004_jobs_and_constraints_for_matching"),
    ("partenaires", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_all_there_after_it():
    leaves = _leaves()
    old = _migrate(BEFORE)
    OldOrganisation = old.get_model("accompagnement", "Organisation")
    OldContact = old.get_model("accompagnement", "Contact")
    OldHousehold = old.get_model("accompagnement", "Household")
    OldAdult = old.get_model("accompagnement", "Adult")
    OldCandidate = old.get_model("emploi_conjoint", "Candidate")
    OldOpportunity = old.get_model("emploi_conjoint", "Opportunity")
    OldIntroduction = old.get_model("emploi_conjoint", "Introduction")
    OldStep = old.get_model("emploi_conjoint", "IntroductionStep")

    hospital = OldOrganisation.objects.create(
        name="Centre hospitalier fictif", kind="institution", siret="73282932000074", sector="santé"
    )
    OldOrganisation.objects.create(name="Fromagerie fictive", kind="employer")
    drh = OldContact.objects.create(organisation=hospital, name="Contact fictif", role="DRH")
    household = OldHousehold.objects.create(reference="OSZ-2026-0901", origin="Lyon", referrer=hospital)
    adult = OldAdult.objects.create(household=household, first_name="Prénom", last_name="Fictif")
    candidate = OldCandidate.objects.create(adult=adult)
    offer = OldOpportunity.objects.create(
        title="Infirmier ou infirmière", organisation=hospital, contract_type="cdi"
    )
    introduction = OldIntroduction.objects.create(
        candidate=candidate, organisation=hospital, opportunity=offer
    )
    step = OldStep.objects.create(introduction=introduction, kind="entretien", contact=drh)

    _migrate(leaves)

    assert sorted(Organisation.objects.values_list("name", flat=True)) == [
        "Centre hospitalier fictif",
        "Fromagerie fictive",
    ]
    moved = Organisation.objects.get(pk=hospital.pk)
    assert (moved.kind, moved.siret, moved.sector) == ("institution", "73282932000074", "santé")
    assert list(moved.contacts.values_list("pk", "name", "role")) == [(drh.pk, "Contact fictif", "DRH")]
    assert Household.objects.get(pk=household.pk).referrer == moved
    assert Opportunity.objects.get(pk=offer.pk).organisation == moved
    assert IntroductionStep.objects.get(pk=step.pk).contact == Contact.objects.get(pk=drh.pk)
    # The tables have partenaires' names, and a new organisation gets a fresh key (the sequence moved too).
    assert Organisation._meta.db_table in connection.introspection.table_names()
    assert "accompagnement_organisation" not in connection.introspection.table_names()
    newcomer = Organisation.objects.create(name="Nouvelle organisation fictive")
    assert newcomer.pk > hospital.pk
    # The unique SIRET still holds in the database after the move.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Doublon fictif", siret="73282932000074")
