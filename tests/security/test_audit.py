"""Every read of a dossier, a candidate, a CV download and every export leaves a trace: who, when, from
which address, what — and never the text of a note, the content of a CV or a person's name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accompagnement.enums import Need
from accompagnement.models import Household, HouseholdNeed
from emploi_conjoint import services, stages
from emploi_conjoint.models import Candidate, CVVersion
from osez import audit
from osez.models import AccessLog
from osez.roles import ADVISOR, HR, MARKETING, TEAM_LEAD
from tests.factories import CommuneFactory, UserFactory

from .builders import CV_BYTES, NOTE_TEXT, full_household

pytestmark = pytest.mark.django_db
ADDRESS = "203.0.113.42"
PERSONAL = (
    NOTE_TEXT,
    "Camille",
    "Dominique",
    "Martin",
    "camille.martin@example.org",
    CV_BYTES.decode("latin-1"),
)


@pytest.fixture
def people():
    advisor = UserFactory(roles=[ADVISOR])
    hr = UserFactory(roles=[HR])
    household, candidate, cv = full_household(advisor=advisor, hr=hr)
    # HR specialists see the summary of a dossier only when its household asked for help with the spouse's job.
    HouseholdNeed.objects.create(household=household, kind=Need.SPOUSE_JOB)
    Candidate.objects.filter(pk=candidate.pk).delete()
    # The pages expect a candidate opened through the service (it writes the first timeline line).
    spouse = household.adults.get(first_name="Dominique")
    candidate = stages.open_candidate(
        Candidate(adult=spouse, hr_specialist=hr, home_commune=CommuneFactory())
    )
    upload = SimpleUploadedFile("CV Dominique Martin.pdf", CV_BYTES, content_type="application/pdf")
    cv = services.add_cv_version(candidate, upload, note="version relue")
    return {"advisor": advisor, "hr": hr, "lead": UserFactory(roles=[TEAM_LEAD]), "marketing": UserFactory(roles=[MARKETING]),
            "household": household, "candidate": candidate, "cv": cv}  # fmt: skip


def _only_trace(user, action, before):
    rows = AccessLog.objects.filter(user=user, action=action, at__gte=before)
    assert rows.count() == 1, list(rows.values())
    return rows.get()


def _assert_clean(entry):
    text = " ".join([entry.object_repr, entry.detail, entry.path])
    for value in PERSONAL:
        assert value not in text, f"{value!r} leaked into the access log: {text!r}"


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url, REMOTE_ADDR=ADDRESS)
    return response


@pytest.mark.parametrize(
    ("who", "url_name", "target", "action", "object_type"),
    [
        ("advisor", "accompagnement:dossier", "household", audit.Action.VIEW, "accompagnement.Household"),
        (
            "advisor",
            "accompagnement:welcome-pack",
            "household",
            audit.Action.VIEW,
            "accompagnement.Household",
        ),
        ("hr", "accompagnement:dossier", "household", audit.Action.VIEW, "accompagnement.Household"),
        ("hr", "emploi_conjoint:candidate", "candidate", audit.Action.VIEW, "emploi_conjoint.Candidate"),
        ("hr", "emploi_conjoint:cv-list", "candidate", audit.Action.VIEW, "emploi_conjoint.Candidate"),
        ("hr", "emploi_conjoint:cv-download", "cv", audit.Action.DOWNLOAD, "emploi_conjoint.CVVersion"),
        ("lead", "admin:osez-rights-export", "household", audit.Action.EXPORT, "accompagnement.Household"),
    ],
)
def test_reads_downloads_and_exports_leave_a_clean_trace(
    client, people, who, url_name, target, action, object_type
):
    before = timezone.now()
    user = people[who]
    obj = people[target]
    response = _get(client, user, reverse(url_name, args=[obj.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    entry = _only_trace(user, action, before)
    assert entry.address == ADDRESS
    assert entry.at >= before
    assert entry.object_type == object_type
    assert entry.object_id == str(obj.pk)
    _assert_clean(entry)
    if url_name == "emploi_conjoint:cv-download":
        assert content == CV_BYTES  # the person got the file; the log did not


@pytest.mark.parametrize(
    ("who", "url_name"),
    [("marketing", "accompagnement:figures-csv"), ("marketing", "emploi_conjoint:figures-csv"),
     ("lead", "accompagnement:figures-csv")],
)  # fmt: skip
def test_figure_exports_are_logged_and_hold_no_personal_data(client, people, who, url_name):
    before = timezone.now()
    response = _get(client, people[who], reverse(url_name))
    assert response.status_code == 200
    entry = _only_trace(people[who], audit.Action.EXPORT, before)
    assert entry.address == ADDRESS
    _assert_clean(entry)
    body = response.content.decode("utf-8-sig")
    for value in PERSONAL[:5]:
        assert value not in body, f"{value!r} in an export meant to hold figures only"


def test_writes_are_logged_without_the_text_typed(client, people):
    from .forms_html import form_data

    household = people["household"]
    url = reverse("accompagnement:dossier-edit", args=[household.pk])
    client.force_login(people["advisor"])
    data = form_data(client.get(url).content.decode(), containing="version")
    data["origin"] = ["Arrivés de Lyon après une mutation"]
    before = timezone.now()
    assert client.post(url, data, REMOTE_ADDR=ADDRESS).status_code == 302
    entry = _only_trace(people["advisor"], audit.Action.CHANGE, before)
    assert entry.object_id == str(household.pk)
    assert "mutation" not in entry.detail + entry.object_repr


def test_record_never_names_the_person():
    household = Household.objects.create(reference="OSZ-2026-0042")
    assert audit.describe(household) == "OSZ-2026-0042"
    cv = CVVersion(pk=7, original_name="CV Dominique Martin.pdf")
    assert "Martin" not in audit.describe(cv)
    assert audit.describe(cv) == "version du CV n° 7"
