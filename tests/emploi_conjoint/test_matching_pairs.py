"""Thirty-two candidates written from real job titles, each with the offer that must come first for them.

The offers are real job-board titles (H/F, écriture inclusive, abbreviations); all are in the candidate's
commune, full time and CDI unless said, so that only the job and the constraints decide.
"""

import pytest

from emploi_conjoint import suggestions
from emploi_conjoint.enums import ContractType, WorkTime
from tests.factories import CommuneFactory

from .factories import CandidateFactory, OpportunityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

OFFERS = [
    # title, organisation sector, extra fields
    ("Infirmier·ère diplômé·e d'État (H/F) — service de médecine", "santé", {}),
    ("Infirmier de nuit (H/F)", "santé", {}),
    ("Aide-soignant(e) en EHPAD", "santé", {}),
    ("Agent d'entretien des locaux (H/F)", "santé", {}),
    ("ASH — agent de service hospitalier", "santé", {"work_time": WorkTime.PART}),
    ("Comptable fournisseurs H/F", "agroalimentaire", {}),
    ("Contrôleur de gestion industriel", "industrie", {}),
    ("Assistante de gestion administrative", "services", {"contract_type": ContractType.CDD}),
    ("Gestionnaire de paie (F/H)", "services", {}),
    ("Développeur web Python / Django", "informatique", {}),
    ("Technicien support informatique", "informatique", {"requires_driving_licence": True}),
    ("Professeur des écoles contractuel", "enseignement", {"contract_type": ContractType.PUBLIC}),
    ("Formateur en bureautique", "enseignement", {"work_time": WorkTime.PART}),
    (
        "Éducateur de jeunes enfants — crèche municipale",
        "petite enfance",
        {"contract_type": ContractType.PUBLIC},
    ),
    ("Vendeur fromager (H/F)", "commerce", {}),
    ("Commercial terrain B2B", "commerce", {"requires_driving_licence": True}),
    ("Cuisinier / cuisinière en restauration collective", "restauration", {}),
    ("Préparateur de commandes — cariste", "logistique", {"contract_type": ContractType.INTERIM}),
    ("Chauffeur poids lourd SPL", "transport", {"requires_driving_licence": True}),
    ("Technicien de maintenance industrielle", "industrie", {}),
    ("Responsable qualité", "industrie", {}),
    ("Conseiller bancaire particuliers", "banque", {}),
    ("Jardinier paysagiste", "espaces verts", {"contract_type": ContractType.CDD}),
    ("Aide à domicile", "social", {"work_time": WorkTime.PART}),
]

# wished roles, wished sectors, constraints and profile, expected first offer (prefix of the title)
PAIRS = [
    # Day or night shift, both are the job: no constraint said otherwise.
    ("IDE", "santé", {}, "Infirmier"),
    ("infirmière", "", {"constraints": "Pas de nuits"}, "Infirmier·ère diplômé·e d'État"),
    ("infirmier de bloc", "santé", {"no_nights": True}, "Infirmier·ère diplômé·e d'État"),
    ("aide-soignante", "santé", {}, "Aide-soignant(e) en EHPAD"),
    ("ASH", "", {"work_time": WorkTime.PART}, "ASH — agent de service hospitalier"),
    ("agent d'entretien", "", {}, "Agent d'entretien des locaux"),
    ("comptable", "", {}, "Comptable fournisseurs"),
    ("aide comptable", "finance", {}, "Comptable fournisseurs"),
    ("contrôleuse de gestion", "", {}, "Contrôleur de gestion industriel"),
    ("assistante administrative", "", {"contract_types": [ContractType.CDD]}, "Assistante de gestion"),
    ("gestionnaire paie", "", {}, "Gestionnaire de paie"),
    ("développeuse", "informatique", {}, "Développeur web Python"),
    ("technicien informatique", "", {"driving_licence": True}, "Technicien support informatique"),
    ("développeur, technicien support", "", {"driving_licence": False}, "Développeur web Python"),
    ("professeure des écoles", "", {}, "Professeur des écoles contractuel"),
    ("formatrice", "", {"work_time": WorkTime.PART}, "Formateur en bureautique"),
    ("EJE", "petite enfance", {}, "Éducateur de jeunes enfants"),
    ("vendeuse boulangerie", "commerce", {}, "Vendeur fromager"),
    ("commerciale", "", {"driving_licence": True}, "Commercial terrain B2B"),
    ("cuisinière", "", {}, "Cuisinier / cuisinière"),
    ("commis de cuisine", "restauration", {}, "Cuisinier / cuisinière"),
    ("magasinier", "logistique", {"contract_types": [ContractType.INTERIM]}, "Préparateur de commandes"),
    ("chauffeur routier", "", {"driving_licence": True}, "Chauffeur poids lourd"),
    ("électromécanicien", "", {}, "Technicien de maintenance industrielle"),
    ("technicienne qualité", "industrie", {}, "Responsable qualité"),
    ("conseillère bancaire", "", {}, "Conseiller bancaire particuliers"),
    ("paysagiste", "", {}, "Jardinier paysagiste"),
    ("auxiliaire de vie", "social", {"work_time": WorkTime.PART}, "Aide à domicile"),
    # A title match wins over a sector match, whatever the order of the wishes.
    ("chef de produit, comptable", "industrie", {}, "Comptable fournisseurs"),
    # Sector only, with an unmet licence pushing the other commerce offer after.
    ("caissière", "commerce", {}, "Vendeur fromager"),
    # Sector only: the job of the list in that sector comes, said as a sector match.
    ("", "informatique", {"driving_licence": False}, "Développeur web Python"),
    ("secrétaire", "", {"contract_types": [ContractType.CDD]}, "Assistante de gestion administrative"),
]


@pytest.fixture
def pool():
    troyes = CommuneFactory(code_insee="10387", name="Troyes", latitude=48.2973, longitude=4.0744)
    offers = []
    for title, sector, extra in OFFERS:
        fields = {"contract_type": ContractType.CDI, "work_time": WorkTime.FULL, **extra}
        offers.append(
            OpportunityFactory(
                title=title, commune=troyes, organisation=OrganisationFactory(sector=sector), **fields
            )
        )
    return troyes


def test_the_set_is_large_enough():
    assert len(PAIRS) >= 30


@pytest.mark.parametrize(("roles", "sectors", "profile", "expected"), PAIRS)
def test_expected_offer_comes_first(pool, roles, sectors, profile, expected):
    candidate = CandidateFactory(home_commune=pool, wished_roles=roles, wished_sectors=sectors, **profile)
    found = suggestions.for_candidate(candidate)
    assert found, "no suggestion at all"
    assert found[0].opportunity.title.startswith(expected), [s.opportunity.title for s in found[:3]]
    # Nobody who said no nights is offered the night shift.
    if "nuit" in profile.get("constraints", "") or profile.get("no_nights"):
        assert all("de nuit" not in s.opportunity.title for s in found)


def test_a_close_job_ranks_between_the_job_and_the_sector_and_says_so(pool):
    """An operating-theatre nurse (ROME J1504) is offered the ward nurse's post (J1506, a move ROME
    lists) before the care assistant's (J1501, same sector only), and each says which it is."""
    candidate = CandidateFactory(home_commune=pool, wished_roles="IBODE", wished_sectors="santé")
    found = suggestions.for_candidate(candidate)
    by_title = {s.opportunity.title: s for s in found}

    nurse = by_title["Infirmier·ère diplômé·e d'État (H/F) — service de médecine"]
    assistant = by_title["Aide-soignant(e) en EHPAD"]
    assert found.index(nurse) < found.index(assistant)
    assert "métier proche de celui recherché : Infirmier·ère diplômé·e d'État (ROME J1506)" in nurse.reason
    assert "même secteur (santé), autre métier : Aide-soignant·e" in assistant.reason


def test_the_job_list_is_consistent():
    """Every close job names a job of the list; no phrase is read as two jobs; codes look like ROME's."""
    import re

    from emploi_conjoint import jobs

    codes = {job.code for job in jobs.all_jobs()}
    assert len(codes) == len(jobs.all_jobs()), "a ROME code appears twice"
    for job in jobs.all_jobs():
        assert re.fullmatch(r"[A-N]\d{4}", job.code), job.code
        assert set(job.close) <= codes - {job.code}, job
    owners = {}
    for job in jobs.all_jobs():
        for phrase in job.phrases:
            assert owners.setdefault(phrase, job.code) == job.code, f"« {phrase} » under two codes"
