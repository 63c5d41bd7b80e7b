"""A fictional employer account with a territory kit and a referred recruit, for the demonstration.

Runs after the back-office's demo (it uses its partners); running it twice changes nothing. The demo
password is set only when DEBUG is on, as for the staff accounts.
"""

from django.conf import settings
from django.contrib.auth import get_user_model

from communes.models import Commune
from osez import roles
from partenaires import demo as partner_demo

from . import services
from .models import EmployerAccount, TerritoryKit

USERNAME = "employeur.demo"
DEMO_PASSWORD = "osez-demo-2026"  # noqa: S105 - usable only when DEBUG is on (as the staff demo accounts)


def load(stdout=None):
    say = stdout.write if stdout is not None else (lambda line: None)
    organisation = partner_demo.partners()[0]
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=USERNAME,
        defaults={
            "first_name": "Camille",
            "last_name": "Recruteuse (fictive)",
            "email": "employeur.demo@example.org",
        },
    )
    if settings.DEBUG:
        user.set_password(DEMO_PASSWORD)
        user.save()
    elif created:
        user.set_unusable_password()
        user.save()
    user.groups.add(roles.ensure_groups()[roles.EMPLOYER])
    account, _created = EmployerAccount.objects.get_or_create(
        user=user, defaults={"organisation": organisation}
    )
    troyes = Commune.objects.filter(code_insee="10387").first()
    if troyes is not None and not TerritoryKit.objects.filter(organisation=account.organisation).exists():
        services.create_kit(
            account, job_title="Infirmier·ère de bloc (offre fictive)", workplace=troyes, commute_km=20
        )
    if settings.DEBUG:
        say(f"  {USERNAME:18} Employeur partenaire (fictif) — espace /employeur/")
