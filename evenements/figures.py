"""Each event's figures: sign-ups, waiting list, attendance, and the requests and arrivals that followed.

"Followed" means a dossier linked to one of the event's attendees (opened from the attendee list or
linked to an existing one) or referred by the event (the link from its page to the request form). Every
count goes through ``osez.figures`` (« < 5 ») before it is shown.
"""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from accompagnement.enums import Stage
from accompagnement.models import Household
from osez.figures import protect_one, share

from .enums import RegistrationStatus


def followed_households(event):
    linked = event.registrations.filter(household__isnull=False).values("household_id")
    return Household.objects.filter(merged_into__isnull=True).filter(
        Q(pk__in=linked) | Q(referral=event.referral_code)
    )


def compute(event):
    counts = event.registrations.aggregate(
        signed_up=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        people=Sum("party_size", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
        present=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False)),
        people_present=Sum(
            "party_size", filter=Q(status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False)
        ),
    )
    households = followed_households(event)
    counts["requests"] = households.count()
    counts["arrivals"] = households.filter(
        stage__in=[Stage.ARRIVED, Stage.CLOSED], arrival_date__isnull=False
    ).count()
    return {key: value or 0 for key, value in counts.items()}


ORDER = ["signed_up", "people", "waiting", "cancelled", "present", "people_present", "requests", "arrivals"]


def publish(data):
    """(label, Count) rows and the attendance rate, as they may be shown (each count protected alone)."""
    labels = {
        "signed_up": _("Inscriptions confirmées"),
        "people": _("Personnes attendues (accompagnants compris)"),
        "waiting": _("En liste d'attente"),
        "cancelled": _("Désinscriptions"),
        "present": _("Inscriptions présentes (pointées)"),
        "people_present": _("Personnes présentes"),
        "requests": _("Dossiers ouverts ou liés ensuite"),
        "arrivals": _("Familles arrivées ensuite"),
    }
    rows = [(labels[key], protect_one(data[key])) for key in ORDER]
    return {"rows": rows, "attendance": share(data["present"], data["signed_up"])}
