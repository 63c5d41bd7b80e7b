"""Right of access (export of everything held, zipped with the files) and right to erasure, both audited."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from accompagnement.models import Adult, Household, Interaction
from emploi_conjoint.models import Candidate, CVVersion
from osez import rights
from osez.models import AccessLog
from osez.roles import ADMIN, ADVISOR, HR, MARKETING, TEAM_LEAD
from portail.models import SupportRequest
from tests.factories import UserFactory

from .builders import CV_BYTES, NOTE_TEXT, full_household

pytestmark = pytest.mark.django_db(transaction=True)


def _open_zip(content):
    archive = zipfile.ZipFile(io.BytesIO(content))
    return archive, json.loads(archive.read("donnees.json"))


def test_export_holds_every_record_and_the_cv_file():
    household, _candidate, _cv = full_household()
    content = rights.export(household)
    archive, data = _open_zip(content)
    models_exported = {row["model"] for row in data["enregistrements"]}
    assert {
        "accompagnement.household",
        "accompagnement.adult",
        "accompagnement.child",
        "accompagnement.householdneed",
        "accompagnement.interaction",
        "emploi_conjoint.candidate",
        "emploi_conjoint.consent",
        "emploi_conjoint.cvversion",
        "portail.supportrequest",
    } <= models_exported
    consent = next(r for r in data["enregistrements"] if r["model"] == "emploi_conjoint.consent")
    assert consent["fields"]["text_version"] == "cv-2026-01"
    assert consent["fields"]["given_on"]
    cv_files = [name for name in archive.namelist() if name.startswith("fichiers/")]
    assert len(cv_files) == 1
    assert archive.read(cv_files[0]) == CV_BYTES


@pytest.mark.parametrize("role", [ADMIN, TEAM_LEAD])
def test_admin_and_team_lead_download_the_export_and_it_is_logged(client, role):
    household, _candidate, _cv = full_household()
    user = UserFactory(roles=[role])
    client.force_login(user)
    response = client.get(f"/admin/securite/droits/{household.pk}/export/", REMOTE_ADDR="203.0.113.4")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert household.reference in response["Content-Disposition"]
    _archive, data = _open_zip(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert data["dossier"] == household.reference
    entry = AccessLog.objects.get(action="export", object_id=str(household.pk))
    assert entry.user == user
    assert entry.address == "203.0.113.4"
    assert NOTE_TEXT not in entry.detail and "Camille" not in entry.detail


@pytest.mark.parametrize("role", [ADVISOR, HR, MARKETING])
def test_other_roles_cannot_export_or_erase(client, role):
    household, _candidate, _cv = full_household()
    client.force_login(UserFactory(roles=[role]))
    assert client.get(f"/admin/securite/droits/{household.pk}/export/").status_code == 403
    response = client.post(
        f"/admin/securite/droits/{household.pk}/effacement/", {"confirm_reference": household.reference}
    )
    assert response.status_code == 403
    assert Household.objects.filter(pk=household.pk).exists()
    assert not AccessLog.objects.filter(action__in=["export", "erase"]).exists()


def test_anonymous_is_sent_to_login(client):
    household, _candidate, _cv = full_household()
    response = client.get(f"/admin/securite/droits/{household.pk}/export/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_unknown_dossier_is_404(client):
    client.force_login(UserFactory(roles=[ADMIN]))
    assert client.get("/admin/securite/droits/999999/export/").status_code == 404
    assert (
        client.post("/admin/securite/droits/999999/effacement/", {"confirm_reference": "x"}).status_code
        == 404
    )


def test_erasure_removes_everything_and_the_files_and_keeps_a_trace_without_data(client):
    household, candidate, cv = full_household()
    cv_path = Path(cv.file.path)
    assert cv_path.exists()
    adult_pks = list(household.adults.values_list("pk", flat=True))
    # Field history recorded by django-auditlog holds old values (names, e-mails): it is scrubbed too.
    assert LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Adult)).exists()
    admin = UserFactory(roles=[ADMIN])
    client.force_login(admin)
    reference = household.reference

    page = client.get(f"/admin/securite/droits/{household.pk}/effacement/")
    assert page.status_code == 200
    assert reference in page.content.decode()

    wrong = client.post(f"/admin/securite/droits/{household.pk}/effacement/", {"confirm_reference": "non"})
    assert wrong.status_code == 200
    assert "ne correspond pas" in wrong.content.decode()
    assert Household.objects.filter(pk=household.pk).exists()

    done = client.post(
        f"/admin/securite/droits/{household.pk}/effacement/",
        {"confirm_reference": reference, "reason": "demande écrite du 3 mars"},
    )
    assert done.status_code == 302
    assert not Household.objects.filter(pk=household.pk).exists()
    assert not Adult.objects.filter(pk__in=adult_pks).exists()
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
    assert not CVVersion.objects.exists()
    assert not Interaction.objects.exists()
    assert not SupportRequest.objects.exists()
    assert not cv_path.exists()
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Adult), object_pk__in=adult_pks
    )
    for entry in history:
        assert "Martin" not in json.dumps(entry.changes) and "Martin" not in entry.object_repr
    trace = AccessLog.objects.get(action="erase")
    assert trace.user == admin
    assert trace.object_repr == reference
    assert "Martin" not in trace.detail and NOTE_TEXT not in trace.detail


def test_commands_export_and_erase_by_reference(tmp_path):
    household, _candidate, cv = full_household()
    output = tmp_path / "export.zip"
    call_command("export_household", household.reference, "--output", str(output))
    _archive, data = _open_zip(output.read_bytes())
    assert data["dossier"] == household.reference
    assert AccessLog.objects.filter(action="export", object_id=str(household.pk)).exists()

    call_command("erase_household", household.reference, "--yes", "--reason", "courrier")
    assert not Household.objects.exists()
    assert not Path(cv.file.path).exists()
    assert AccessLog.objects.filter(action="erase", object_repr=household.reference).exists()


def test_erase_command_without_confirmation_changes_nothing():
    household, _candidate, _cv = full_household()
    with pytest.raises(Exception, match="--yes"):
        call_command("erase_household", household.reference)
    assert Household.objects.filter(pk=household.pk).exists()
