"""How long the spouse pipeline keeps CVs: deleted once the job search has been still for
``OSEZ_RETENTION_CV_MONTHS``, whatever the dossier's stage (registered with ``osez.retention``)."""

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from accompagnement.retention import household_last_contact
from osez import retention, rights

from .models import Candidate


def candidate_last_contact(candidate):
    """The last time the spouse's job search moved (an edit, a stage, a CV, an introduction, a consent)
    or the service dealt with their household: a family that calls again keeps its CVs."""
    return retention.latest(
        household_last_contact(candidate.adult.household),
        candidate.updated_at,
        candidate.stage_changed_at,
        candidate.cv_versions.aggregate(last=Max("uploaded_at"))["last"],
        candidate.introductions.aggregate(last=Max("date"))["last"],
        candidate.introductions.aggregate(last=Max("updated_at"))["last"],
        candidate.consents.aggregate(last=Max("given_on"))["last"],
    )


def candidates_with_cvs_due(cutoff):
    for candidate in Candidate.objects.filter(cv_versions__isnull=False).distinct().iterator():
        last = candidate_last_contact(candidate)
        if last is not None and last <= cutoff:
            yield candidate


def _delete_cvs(candidate):
    deleted = rights.delete_rows(candidate.cv_versions.all())
    return {"cv_files_deleted": deleted["records"]}


CVS_OF_INACTIVE_SEARCHES = retention.Rule(
    name="cvs_of_inactive_searches",
    months_setting="OSEZ_RETENTION_CV_MONTHS",
    due=candidates_with_cvs_due,
    remove=_delete_cvs,
    counts={"cv_files_deleted": _("CV supprimé(s)")},
    order=20,
)
