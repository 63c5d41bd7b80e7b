"""How long the back-office keeps a household's dossier, and the request for support it came from.

Two rules, registered with ``osez.retention`` from ``AccompagnementConfig.ready()``:

- a closed dossier whose last contact is older than ``OSEZ_RETENTION_CLOSED_MONTHS`` is anonymised
  (``osez.rights.anonymise``: figures kept, people removed);
- a request for support that never went further — the dossier opened from it is still at « nouvelle
  demande » with no exchange recorded — is deleted with that dossier after
  ``OSEZ_RETENTION_REQUEST_MONTHS``; a request with no dossier at all goes after the same delay.
  A dossier that moved on (first contact, project…) is never "without follow-up", whatever its age.
"""

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from osez import retention, rights
from portail.models import SupportRequest

from .enums import InteractionKind, Stage
from .models import Household


def household_last_contact(household):
    """The last time the service dealt with the family: closing, last stage change or last exchange."""
    last_exchange = household.interactions.aggregate(last=Max("happened_on"))["last"]
    return retention.latest(household.closed_on, household.stage_changed_at, last_exchange)


def closed_households_due(cutoff):
    for household in Household.objects.filter(stage=Stage.CLOSED, closed_on__lte=cutoff).iterator():
        last = household_last_contact(household)
        if last is not None and last <= cutoff:
            yield household


def _anonymise(household):
    result = rights.anonymise(household)
    return {"households_anonymised": int(result["anonymised"]), "cv_files_deleted": result["files"]}


def went_no_further(household):
    """Still at « nouvelle demande », and nobody from the service has written anything on it."""
    # The message typed on the form becomes the dossier's first exchange (kind "request"); any other
    # exchange means an advisor talked to the family.
    exchanges = household.interactions.exclude(kind=InteractionKind.REQUEST)
    return household.stage == Stage.NEW and not exchanges.exists()


def stale_requests_due(cutoff):
    """(support request, dossier or None) pairs that never went further than the request."""
    for support_request in SupportRequest.objects.filter(created_at__date__lte=cutoff).iterator():
        household = Household.objects.filter(support_request=support_request).first()
        if household is None:
            yield support_request, None
        # The request itself is older than the cutoff (the query says so): the dossier must be too.
        elif (
            went_no_further(household)
            and retention.latest(household.stage_changed_at, household.updated_at) <= cutoff
        ):
            yield support_request, household


def _delete_request(pair):
    support_request, household = pair
    if household is not None:
        rights.erase(household, None, reason="conservation : demande restée sans suite")
    else:
        rights.delete_rows([support_request])
    return {"requests_deleted": 1}


CLOSED_DOSSIERS = retention.Rule(
    name="closed_dossiers",
    months_setting="OSEZ_RETENTION_CLOSED_MONTHS",
    due=closed_households_due,
    remove=_anonymise,
    counts={
        "households_anonymised": _("dossier(s) terminé(s) anonymisé(s)"),
        "cv_files_deleted": _("CV supprimé(s)"),
    },
    order=10,
)
REQUESTS_WITHOUT_FOLLOW_UP = retention.Rule(
    name="requests_without_follow_up",
    months_setting="OSEZ_RETENTION_REQUEST_MONTHS",
    due=stale_requests_due,
    remove=_delete_request,
    counts={"requests_deleted": _("demande(s) sans suite supprimée(s)")},
    order=30,
)
