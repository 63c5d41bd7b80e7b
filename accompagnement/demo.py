"""Fictional demo data of the back-office: staff accounts per role, partners, households at every stage.

Registered with ``osez.demo`` (run by ``manage.py load_demo``); idempotent.

Every name is invented and marked as fictional. The demo password is printed only when DEBUG is on;
otherwise the accounts are created without a usable password (an admin sets one if they are wanted).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accompagnement import nearby, services, stages
from accompagnement.enums import Channel, InteractionKind, Need, NeedState, Outcome, Stage
from accompagnement.models import (
    Adult,
    Child,
    Household,
    HouseholdNeed,
    Interaction,
    PinnedPlace,
)
from communes.models import Commune
from osez import roles
from partenaires import demo as partner_demo

DEMO_PASSWORD = "osez-demo-2026"  # noqa: S105 - printed and usable only when DEBUG is on
FICTIONAL = "Données fictives de démonstration."
STAFF = [
    # username, first name, last name, roles
    ("conseillere.demo", "Inès", "Martin (fictive)", [roles.ADVISOR]),
    ("conseiller.demo", "Paul", "Bernard (fictif)", [roles.ADVISOR]),
    ("responsable.demo", "Claire", "Durand (fictive)", [roles.TEAM_LEAD, roles.ADVISOR]),
    ("rh.demo", "Yanis", "Petit (fictif)", [roles.HR]),
    ("marketing.demo", "Léonie", "Robert (fictive)", [roles.MARKETING]),
    ("admin.demo", "Alex", "Admin (fictif)", [roles.ADMIN]),
]
PREFERRED_COMMUNES = ["10387", "10081", "10323", "10033", "10268", "10362"]
# reference suffix, family name, origin, channel, partner index, advisor index, target stage, outcome,
# days since arrival, children birth-year offsets (years before now), needs, resolved needs
HOUSEHOLDS = [
    (1, "Exemple", "Lyon", Channel.WEBSITE, None, None, Stage.NEW, "", None, [4, 9], [Need.SCHOOL, Need.HOUSING], []),
    (2, "Modèle", "Paris", Channel.LINKEDIN, 2, 0, Stage.FIRST_CONTACT, "", None, [1], [Need.CHILDCARE, Need.SPOUSE_JOB], []),
    (3, "Fictif", "Lille", Channel.PARTNER_EMPLOYER, 0, 0, Stage.PROJECT, "", None, [6, 12], [Need.SCHOOL, Need.DOCTOR, Need.HOUSING], [Need.HOUSING]),
    (4, "Essai", "Marseille", Channel.FAIR, 1, 1, Stage.ARRIVED, "", 20, [2], [Need.CHILDCARE, Need.DOCTOR], []),
    (5, "Démo", "Nantes", Channel.WORD_OF_MOUTH, None, 0, Stage.ARRIVED, "", 100, [8, 15], [Need.SCHOOL, Need.DOCTOR, Need.SPOUSE_JOB], [Need.SCHOOL]),
    (6, "Prototype", "Strasbourg", Channel.EVENT, 0, 1, Stage.CLOSED, Outcome.SETTLED, 400, [5], [Need.SCHOOL, Need.DOCTOR], [Need.SCHOOL, Need.DOCTOR]),
    (7, "Maquette", "Bordeaux", Channel.PARTNER_EMPLOYER, 2, 0, Stage.CLOSED, Outcome.LEFT, 380, [], [Need.HOUSING], [Need.HOUSING]),
    (8, "Brouillon", "Rennes", Channel.OTHER, None, 1, Stage.CLOSED, Outcome.NO_FOLLOW_UP, None, [], [Need.HOUSING], []),
]  # fmt: skip


def load(stdout=None):
    """Staff accounts (one per role), partners and households at every stage; prints the demo accounts in DEBUG."""
    say = stdout.write if stdout is not None else (lambda line: None)
    staff = load_staff()
    partners = load_partners()
    created = load_households(staff, partners)
    say(
        f"Démonstration (données fictives) : {len(staff)} comptes, {len(partners)} partenaires, "
        f"{created} nouveau(x) dossier(s) famille."
    )
    if settings.DEBUG:
        say("Comptes de démonstration (DEBUG uniquement) — mot de passe : " + DEMO_PASSWORD)
        for username, _first, _last, user_roles in STAFF:
            labels = ", ".join(str(roles.ROLE_LABELS[r]) for r in user_roles)
            say(f"  {username:18} {labels}")
        say(
            "Connexion : page /admin/ du site (http://127.0.0.1:8000/admin/ avec make run, ou le PORT choisi)"
        )


def load_staff():
    User = get_user_model()
    groups = roles.ensure_groups()
    users = []
    for username, first, last, user_roles in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@osez.localhost",
                "is_staff": True,
            },
        )
        if settings.DEBUG:
            user.set_password(DEMO_PASSWORD)  # so the printed credentials always work
            user.save()
        elif created:
            user.set_unusable_password()
            user.save()
        user.groups.add(*(groups[r] for r in user_roles))
        users.append(user)
    return users


def load_partners():
    return partner_demo.partners()


def demo_communes():
    found = {c.code_insee: c for c in Commune.objects.filter(code_insee__in=PREFERRED_COMMUNES)}
    ordered = [found[c] for c in PREFERRED_COMMUNES if c in found]
    if len(ordered) < 3:
        ordered += list(
            Commune.objects.exclude(code_insee__in=found).order_by("-population")[: 6 - len(ordered)]
        )
    return ordered


def load_households(staff, partners):
    advisors = staff[:2]
    communes = demo_communes()
    created = 0
    today = timezone.localdate()
    for row in HOUSEHOLDS:
        number, name, origin, channel, partner, advisor, stage, outcome, days, kids, needs, resolved = row
        reference = f"FICTIF-ACC-{number:02d}"
        if Household.objects.filter(reference=reference).exists():
            continue
        with transaction.atomic():
            household = make_household(
                reference, name, origin, channel, partners[partner] if partner is not None else None,
                advisors[advisor] if advisor is not None else None, kids, needs, communes, number,
            )  # fmt: skip
            walk(household, stage, outcome, days, advisors, today)
            for need in household.needs.filter(kind__in=resolved):
                need.state = NeedState.RESOLVED
                need.resolved_on = min(today, need.opened_on + datetime.timedelta(days=10 + 7 * number))
                need.note = "Solution trouvée avec la famille (fictif)."
                need.save()
            household.needs.filter(state=NeedState.TO_DO).exclude(kind__in=resolved).filter(
                kind=Need.SCHOOL
            ).update(state=NeedState.IN_PROGRESS)
        created += 1
    return created


def make_household(reference, name, origin, channel, partner, advisor, kids, needs, communes, number):
    today = timezone.localdate()
    household = Household.objects.create(
        reference=reference,
        email=f"famille{number}@example.org",
        phone="06 00 00 00 0" + str(number),
        origin=f"{origin} (fictif)",
        channel=channel,
        referrer=partner,
        advisor=advisor,
    )
    stages.open_dossier(household, reason="Demande reçue (fictive).")
    Adult.objects.create(household=household, first_name="Alex", last_name=f"{name} (fictif)")
    Adult.objects.create(
        household=household, first_name="Sam", last_name=f"{name} (fictif)",
        is_spouse_seeking_job=Need.SPOUSE_JOB in needs,
    )  # fmt: skip
    for index, age in enumerate(kids):
        Child.objects.create(
            household=household,
            first_name=["Noé", "Lina", "Jules"][index % 3],
            birth_year=today.year - age,
        )
    if communes:
        household.communes_considered.set(communes[number % len(communes) : number % len(communes) + 2])
    opened = today - datetime.timedelta(days=30 + 15 * number)
    for kind in needs:
        HouseholdNeed.objects.create(household=household, kind=kind, opened_on=opened)
    Interaction.objects.create(
        household=household, kind=InteractionKind.NOTE, happened_on=opened, author=advisor,
        text="Dossier fictif créé pour la démonstration : aucune personne réelle.",
    )  # fmt: skip
    return household


def walk(household, stage, outcome, days, advisors, today):
    """Take the dossier through the real transitions up to ``stage``."""
    by = household.advisor or advisors[0]
    order = stages.STAGE_ORDER
    if order.index(stage) >= 1:
        stages.record_first_contact(household, by=by, reason="Premier appel (fictif).")
        Interaction.objects.create(
            household=household, kind=InteractionKind.CALL, author=by,
            text="Appel de découverte : projet, calendrier, besoins (fictif).",
        )  # fmt: skip
    if stage == Stage.CLOSED and outcome == Outcome.NO_FOLLOW_UP:
        stages.close_followup(household, by=by, outcome=outcome, reason="La famille a renoncé (fictif).")
        return
    if order.index(stage) >= 2:
        stages.start_project(household, by=by)
        if household.communes_considered.exists():
            household.commune_chosen = household.communes_considered.first()
            household.save(update_fields=["commune_chosen"])
    if order.index(stage) >= 3:
        stages.mark_arrived(household, by=by, arrival_date=today - datetime.timedelta(days=days))
        # Milestones already past are done, except the latest one: it shows as overdue.
        past = list(household.tasks.filter(due_date__lt=today).order_by("due_date"))
        for task in past[:-1] if stage == Stage.ARRIVED else past:
            services.complete_task(task, by=by)
        pin_some(household, by)
    if stage == Stage.CLOSED:
        stages.close_followup(household, by=by, outcome=outcome, reason="Fin du suivi (fictif).")


def pin_some(household, by):
    for commune, layers in nearby.nearby_for_household(household)[:1]:
        for _layer, places in list(layers.items())[:3]:
            if places:
                PinnedPlace.objects.get_or_create(
                    household=household, place=places[0].place,
                    defaults={"distance_km": places[0].distance_km, "from_commune": commune, "pinned_by": by},
                )  # fmt: skip
