"""Fictional demo data for the HR workspace: spouses looking for work, companies, openings, introductions.

Registered with ``osez.demo`` (run by ``manage.py load_demo``, after the back-office's households). Every row is marked fictional; running it twice
changes nothing.
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accompagnement.models import Adult, Household
from osez import roles
from partenaires import demo as partner_demo

from . import consent as consent_text
from . import one_truth
from .enums import ContractType, Outcome, Stage, WorkTime
from .models import Candidate, Consent, CVVersion, Introduction, Opportunity, StageTransition

HOUSEHOLD_ORIGIN = "Dossier fictif (démonstration)"

# A one-page PDF, enough for the download link to open something.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

OPPORTUNITIES = [
    # title, organisation index, commune index, contract, time, description, closing in days
    ("Comptable fournisseurs", 0, 0, ContractType.CDI, WorkTime.FULL,
     "Saisie et rapprochements, clôtures mensuelles, relation avec les fournisseurs.", 30),
    ("Infirmier ou infirmière de bloc", 1, 1, ContractType.CDI, WorkTime.EITHER,
     "Service de chirurgie ambulatoire, horaires de jour.", 45),
    ("Développeuse ou développeur web", 2, 0, ContractType.CDI, WorkTime.FULL,
     "Applications Django pour des clients publics et associatifs.", 20),
    ("Assistante ou assistant de gestion à temps partiel", 3, 2, ContractType.CDD, WorkTime.PART,
     "Mission de 6 mois pour une PME industrielle, 24 h par semaine.", 15),
]  # fmt: skip

CANDIDATES = [
    # first name, last name, roles, sectors, time, contracts, commune index, km, path (stage, days ago)
    ("Camille", "Exemple", "comptable, assistante de gestion", "agroalimentaire, industrie", WorkTime.FULL,
     [ContractType.CDI, ContractType.CDD], 0, 30,
     [(Stage.ACCUEIL, 60), (Stage.BILAN, 52), (Stage.CV_PRET, 40), (Stage.PROSPECTION, 35)]),
    ("Karim", "Fictif", "infirmier", "santé", WorkTime.EITHER, [], 1, 25,
     [(Stage.ACCUEIL, 90), (Stage.BILAN, 80), (Stage.CV_PRET, 70), (Stage.PROSPECTION, 60),
      (Stage.ENTRETIEN, 40), (Stage.EN_POSTE, 12)]),
    ("Léa", "Modèle", "développeuse web", "informatique", WorkTime.FULL, [ContractType.CDI], 0, 20,
     [(Stage.ACCUEIL, 20), (Stage.BILAN, 10)]),
    ("Sam", "Démo", "assistant de gestion", "", WorkTime.PART, [], 2, 40,
     [(Stage.ACCUEIL, 45), (Stage.BILAN, 38), (Stage.CV_PRET, 30), (Stage.PROSPECTION, 25),
      (Stage.ENTRETIEN, 10)]),
    ("Noor", "Essai", "chargée de communication", "culture", WorkTime.EITHER, [], 3, 15,
     [(Stage.ACCUEIL, 30), (Stage.BILAN, 25), (Stage.PAUSE, 5)]),
]  # fmt: skip


def _at(communes, index):
    return communes[index % len(communes)] if communes else None


@transaction.atomic
def load(stdout=None):
    """Create the fictional pipeline (idempotent); return counts of what was created."""
    now = timezone.now()
    today = timezone.localdate()
    communes = partner_demo.demo_communes()
    created = {"organisations": 0, "opportunities": 0, "candidates": 0, "introductions": 0}

    organisations, created["organisations"] = partner_demo.network()

    opportunities = []
    for title, org_index, commune_index, contract, time, description, closing in OPPORTUNITIES:
        offer, was_created = Opportunity.objects.get_or_create(
            title=title,
            organisation=organisations[org_index],
            is_fictional=True,
            defaults={
                "commune": _at(communes, commune_index),
                "contract_type": contract,
                "work_time": time,
                "description": description,
                "closing_date": today + timedelta(days=closing),
            },
        )
        created["opportunities"] += was_created
        opportunities.append(offer)

    if not Candidate.objects.filter(is_fictional=True).exists():
        created["candidates"], created["introductions"] = _load_candidates(
            communes, opportunities, now, today
        )
    if stdout is not None:
        stdout.write(
            "Emploi du conjoint (fictif) : {candidates} candidat·es, {organisations} organisations, "
            "{opportunities} offres, {introductions} mises en relation créées.".format(**created)
        )
    return created


def _fictional_adults():
    """Spouses of the back-office's fictional dossiers who look for a job and are not followed yet."""
    return list(
        Adult.objects.filter(
            is_spouse_seeking_job=True, household__reference__startswith="FICTIF-", candidate__isnull=True
        ).order_by("household__reference", "pk")
    )


def _own_adult(number, first, last):
    household, _created = Household.objects.get_or_create(
        reference=f"FICTIF-EMP-{number:02d}", defaults={"origin": HOUSEHOLD_ORIGIN}
    )
    adult, _created = Adult.objects.get_or_create(
        household=household, first_name=first, last_name=last, defaults={"is_spouse_seeking_job": True}
    )
    return adult


def _load_candidates(communes, opportunities, now, today):
    """The demo's job seekers, on the back-office's fictional spouses first, then on dossiers of our own."""
    adults = _fictional_adults()
    hr = roles.users_with_role(roles.HR).order_by("pk").first()
    candidates = []
    for number, row in enumerate(CANDIDATES, start=1):
        first, last, wished_roles, sectors, time, contracts, commune_index, km, path = row
        adult = adults.pop(0) if adults else _own_adult(number, first, last)
        started = now - timedelta(days=path[0][1])
        candidate = Candidate.objects.create(
            adult=adult,
            hr_specialist=hr,
            wished_roles=wished_roles,
            wished_sectors=sectors,
            work_time=time,
            contract_types=[str(c) for c in contracts],
            home_commune=_at(communes, commune_index),
            commute_km=km,
            languages="français, anglais courant",
            available_from=today + timedelta(days=15),
            is_fictional=True,
            stage=path[-1][0],
            stage_changed_at=now - timedelta(days=path[-1][1]),
            held_from_stage=path[-2][0] if path[-1][0] in (Stage.PAUSE, Stage.ABANDON) else "",
        )
        candidates.append(candidate)
        previous = ""
        # A demo needs a past: its history is written as it would have been logged, dated weeks ago,
        # rather than through the stage machine (which logs every move at the present time).
        for stage, days in path:
            StageTransition.objects.create(
                candidate=candidate,
                from_stage=previous,
                to_stage=stage,
                at=now - timedelta(days=days),
                by=hr,
                reason="Ouverture du suivi" if not previous else "Démonstration",
            )
            previous = stage
        stages = [s for s, _days in path]
        if Stage.CV_PRET in stages:
            version = CVVersion(
                candidate=candidate,
                original_name=f"CV {adult.first_name} (fictif).pdf",
                file_kind="pdf",
                size=len(DEMO_PDF),
                note="refonte après bilan",
                uploaded_by=hr,
                uploaded_at=started + timedelta(days=10),
            )
            version.file.save("cv.pdf", ContentFile(DEMO_PDF), save=False)
            version.save()
        if Stage.PROSPECTION in stages:
            Consent.objects.create(
                candidate=candidate,
                text_version=consent_text.CURRENT_VERSION,
                given_on=(started + timedelta(days=5)).date(),
                recorded_by=hr,
            )
    # The hired one went through the clinic, another has an interview, a third awaits answers.
    plan = [
        (1, 1, Outcome.HIRED, None, 45),
        (1, 3, Outcome.NO_FOLLOW_UP, None, 55),
        (3, 3, Outcome.INTERVIEW, 0, 20),
        (0, 0, Outcome.PENDING, -2, 20),
    ]
    introductions = 0
    for candidate_index, offer_index, outcome, follow_up, days in plan:
        offer = opportunities[offer_index]
        Introduction.objects.create(
            candidate=candidates[candidate_index],
            organisation=offer.organisation,
            opportunity=offer,
            made_by=hr,
            date=today - timedelta(days=days),
            outcome=outcome,
            next_follow_up=None if follow_up is None else today + timedelta(days=follow_up),
            notes="Mise en relation fictive (démonstration).",
        )
        introductions += 1
    # The demo writes its history directly (no stage signal): give each dossier's need the state the
    # stages mean, as the live service does (one truth).
    for household_id in {c.adult.household_id for c in candidates}:
        one_truth.sync_need_from_candidates(household_id)
    return len(candidates), introductions
