"""Fictional partner organisations for the demonstration: the back-office's partners (with a contact)
and the HR network's companies and recruiters.

Registered with ``osez.demo`` before the dossiers and the job pipeline (which point to them); running it
twice changes nothing. Every name is invented and marked as fictional.
"""

from communes.models import Commune

from .enums import OrganisationKind, SizeBand
from .models import Contact, Organisation

FICTIONAL = "Données fictives de démonstration."
FICTIONAL_NOTE = "Organisation fictive, créée pour la démonstration."

# Partners who send families to the service (name, kind, sector, contact, contact's role).
PARTNERS = [
    ("Centre hospitalier de l'Aube (fictif)", OrganisationKind.INSTITUTION, "santé", "Sophie Lemaire (fictive)", "DRH"),
    ("Maison d'arrêt de Villenauxe (fictive)", OrganisationKind.INSTITUTION, "justice", "Marc Henry (fictif)",
     "Responsable des ressources humaines"),
    ("Métallurgie Champenoise SA (fictive)", OrganisationKind.EMPLOYER, "industrie", "Nadia Roux (fictive)",
     "Chargée de recrutement"),
    ("Cabinet Recrutement Seine et Aube (fictif)", OrganisationKind.RECRUITER, "recrutement",
     "Hugo Fabre (fictif)", "Consultant"),
]  # fmt: skip

# The HR network (name, kind, NAF, sector, size, business club).
NETWORK = [
    ("Fromagerie des Coteaux (fictive)", OrganisationKind.EMPLOYER, "10.51C", "agroalimentaire", SizeBand.MEDIUM,
     "Club des entreprises de l'Aube (fictif)"),
    ("Clinique du Val (fictive)", OrganisationKind.EMPLOYER, "86.10Z", "santé", SizeBand.LARGE, ""),
    ("Atelier Numérique Troyen (fictif)", OrganisationKind.EMPLOYER, "62.01Z", "informatique", SizeBand.SMALL,
     "Club des entreprises de l'Aube (fictif)"),
    ("Cabinet Talents de Seine (fictif)", OrganisationKind.RECRUITER, "78.10Z", "recrutement", SizeBand.MICRO,
     "Réseau des dirigeants du Nogentais (fictif)"),
]  # fmt: skip

# Troyes, La Chapelle-Saint-Luc, Romilly-sur-Seine, Bar-sur-Aube, Nogent-sur-Seine.
PREFERRED_COMMUNES = ["10387", "10081", "10323", "10033", "10268"]


def demo_communes():
    """The communes the fictional partners and jobs stand in: the preferred ones, then the most populated
    (a database loaded with another territory still gets communes with coordinates)."""
    by_code = {
        c.code_insee: c
        for c in Commune.objects.filter(code_insee__in=PREFERRED_COMMUNES, latitude__isnull=False)
    }
    found = [by_code[code] for code in PREFERRED_COMMUNES if code in by_code]
    if len(found) < len(PREFERRED_COMMUNES):
        others = (
            Commune.objects.filter(latitude__isnull=False)
            .exclude(code_insee__in=by_code)
            .order_by("-population", "code_insee")
        )
        found += list(others[: len(PREFERRED_COMMUNES) - len(found)])
    return found


def partners():
    """The back-office's partners, in the order of PARTNERS (created when missing)."""
    found = []
    for name, kind, sector, contact, role in PARTNERS:
        org, created = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "sector": sector, "notes": FICTIONAL}
        )
        if created:
            Contact.objects.create(
                organisation=org, name=contact, role=role, email="contact@example.org", phone="03 25 00 00 00"
            )
        found.append(org)
    return found


def network():
    """The HR network's organisations, in the order of NETWORK, and how many were created."""
    communes = demo_communes()
    found, created = [], 0
    for name, kind, naf, sector, size, club in NETWORK:
        org, was_created = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "naf": naf,
                "sector": sector,
                "size_band": size,
                "business_club": club,
                "commune": communes[len(found) % len(communes)] if communes else None,
                "notes": FICTIONAL_NOTE,
            },
        )
        created += was_created
        found.append(org)
    return found, created


def load(stdout=None):
    say = stdout.write if stdout is not None else (lambda line: None)
    before = Organisation.objects.count()
    partners()
    network()
    say(
        "Démonstration (données fictives) : "
        f"{Organisation.objects.count() - before} nouvelle(s) organisation(s) partenaire(s)."
    )
