"""The rights mechanics, one fact at a time: what the export holds and how, what anonymising keeps and
removes and when it says it did something, what a deletion reports."""

import io
import json
import logging
import zipfile
from pathlib import PurePosixPath

import pytest

from accompagnement.models import Adult, Child, Household, HouseholdNeed, Interaction
from emploi_conjoint.models import Candidate, Consent, CVVersion
from osez import rights
from portail.models import SupportRequest

from .builders import CV_BYTES, full_household

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_export_is_compressed_readable_json_and_counts_its_files():
    household, _candidate, cv = full_household(reference="OSZ-2026-0900")
    archive = zipfile.ZipFile(io.BytesIO(rights.export(household)))
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    raw = archive.read("donnees.json").decode("utf-8")
    assert "Léa" in raw, "accents are written as such, for the person who opens it"
    assert '\n  "dossier": "OSZ-2026-0900",\n  "exporte_le": "' in raw
    # Named by the row and the stored name (never the person's original file name).
    assert archive.read(f"fichiers/cvversion-{cv.pk}-{PurePosixPath(cv.file.name).name}") == CV_BYTES
    readme = archive.read("LISEZMOI.txt").decode("utf-8")
    assert "pour le dossier OSZ-2026-0900." in readme
    assert "fichiers/ : les fichiers déposés (1)." in readme
    assert json.loads(raw)["dossier"] == "OSZ-2026-0900"


def test_a_file_already_gone_is_left_out_of_the_export_and_said_in_the_log(caplog):
    household, _candidate, cv = full_household()
    cv.file.storage.delete(cv.file.name)
    with caplog.at_level(logging.WARNING, logger="osez.rights"):
        archive = zipfile.ZipFile(io.BytesIO(rights.export(household)))
    assert "fichiers/ : les fichiers déposés (0)." in archive.read("LISEZMOI.txt").decode("utf-8")
    assert not [name for name in archive.namelist() if name.startswith("fichiers/")]
    warning = next(r for r in caplog.records if r.name == "osez.rights")
    assert (warning.getMessage(), warning.model, warning.pk) == (
        "file missing for export", "emploi_conjoint.CVVersion", cv.pk,
    )  # fmt: skip


def test_anonymising_blanks_every_free_text_and_keeps_references_choices_and_proofs():
    household, candidate, _cv = full_household(reference="OSZ-2026-0901")
    result = rights.anonymise(household)
    assert result == {"anonymised": True, "files": 1}

    household.refresh_from_db()
    assert (household.reference, household.consent_text_version) == ("OSZ-2026-0901", "2026-01")
    assert (household.email, household.phone, household.origin) == ("", "", "")
    assert (
        not Adult.objects.filter(household=household)
        .exclude(first_name="", last_name="", email="", phone="")
        .exists()
    )
    assert list(Child.objects.filter(household=household).values_list("first_name", flat=True)) == [""]
    assert list(HouseholdNeed.objects.filter(household=household).values_list("kind", "note")) == [
        ("ecole", "")
    ]
    assert list(Interaction.objects.filter(household=household).values_list("kind", "text")) == [
        ("appel", "")
    ]
    candidate.refresh_from_db()
    assert candidate.constraints == ""
    assert list(Consent.objects.filter(candidate=candidate).values_list("text_version", flat=True)) == [
        "cv-2026-01"
    ]
    assert not CVVersion.objects.filter(candidate=candidate).exists()
    assert not SupportRequest.objects.exists()

    assert rights.anonymise(household) == {"anonymised": False, "files": 0}, "a second run has nothing to do"


def test_anonymising_says_it_did_something_for_text_alone():
    household = Household.objects.create(email="seule@example.org", origin="")
    Adult.objects.create(
        household=household, first_name="", last_name=""
    )  # the last row has nothing to blank
    assert rights.anonymise(household) == {"anonymised": True, "files": 0}


def test_anonymising_says_it_did_something_for_the_request_alone():
    request = SupportRequest.objects.create(
        first_name="A", last_name="B", email="a@example.org", origin="Reims", arrival_horizon="later",
        needs=[], consent_text_version="v",
    )  # fmt: skip
    household = Household.objects.create(email="", origin="", support_request=request)
    assert rights.anonymise(household) == {"anonymised": True, "files": 0}
    assert not SupportRequest.objects.exists()


def test_anonymising_says_it_did_something_for_a_file_alone():
    household, candidate, _cv = full_household()
    rights.anonymise(household)
    from django.core.files.base import ContentFile

    again = CVVersion(candidate=candidate, original_name="", file_kind="pdf", size=len(CV_BYTES))
    again.file.save("cv.pdf", ContentFile(CV_BYTES), save=False)
    again.save()
    assert rights.anonymise(household) == {"anonymised": True, "files": 1}


def test_deleting_rows_reports_records_and_files():
    _household, candidate, _cv = full_household()
    assert rights.delete_rows(candidate.cv_versions.all()) == {"records": 1, "files": 1}
    assert not CVVersion.objects.exists()
    assert Candidate.objects.filter(pk=candidate.pk).exists()


def test_a_dossier_is_found_by_its_reference_whatever_the_case_and_spaces():
    household, _candidate, _cv = full_household(reference="OSZ-2026-0902")
    assert rights.find("  osz-2026-0902 ") == household
    assert rights.find("OSZ-2026-0903") is None
    assert rights.reference_of(household) == "OSZ-2026-0902"


def test_erasing_scrubs_exactly_the_history_of_what_it_erased_and_says_so():
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    household, _candidate, _cv = full_household(reference="OSZ-2026-0904")
    neighbour, _other, _other_cv = full_household(reference="OSZ-2026-0905")
    household_type = ContentType.objects.get_for_model(Household)
    neighbour_entries = list(
        LogEntry.objects.filter(content_type=household_type, object_pk=str(neighbour.pk)).values_list(
            "changes_text", "object_repr"
        )
    )
    pk = household.pk

    counts = rights.erase(household, None, reason="r" * 400)

    entries = LogEntry.objects.filter(content_type=household_type, object_pk=str(pk))
    assert entries.exists()
    # The dossier's own history too: it held the family's e-mail, phone and origin until this was fixed.
    assert set(
        entries.values_list("changes", "changes_text", "object_repr", "serialized_data", "additional_data")
    ) == {(None, "", rights.ERASED, None, None)}
    assert counts["history_scrubbed"] >= entries.count() > 0
    assert set(counts) == {"records", "files", "history_scrubbed"}
    assert (
        list(
            LogEntry.objects.filter(content_type=household_type, object_pk=str(neighbour.pk)).values_list(
                "changes_text", "object_repr"
            )
        )
        == neighbour_entries
    ), "another family's history is untouched"
    from osez.models import AccessLog

    trace = AccessLog.objects.get(action="erase")
    assert (trace.object_type, trace.object_id, trace.object_repr) == (
        "accompagnement.Household",
        str(pk),
        "OSZ-2026-0904",
    )
    assert len(trace.detail) == 300 and trace.detail.startswith(
        f"effacement : {counts['records']} enregistrements, 1 fichiers. rrr"
    )


def test_an_erasure_without_a_reason_says_what_went():
    household, _candidate, _cv = full_household()
    counts = rights.erase(household)
    from osez.models import AccessLog

    assert (
        AccessLog.objects.get(action="erase").detail
        == f"effacement : {counts['records']} enregistrements, 1 fichiers. "
    )


def test_the_export_counts_every_file_and_explains_its_parts(rf):
    from django.core.files.base import ContentFile

    from osez.models import AccessLog

    household, candidate, _cv = full_household(reference="OSZ-2026-0906")
    second = CVVersion(candidate=candidate, original_name="v2.pdf", file_kind="pdf", size=len(CV_BYTES))
    second.file.save("cv.pdf", ContentFile(CV_BYTES), save=False)
    second.save()
    request = rf.get("/admin/securite/droits/")
    request.user = None
    archive = zipfile.ZipFile(io.BytesIO(rights.export(household, request)))
    held = len(rights.held_objects(household))
    assert archive.read("LISEZMOI.txt").decode("utf-8") == (
        "Données personnelles détenues par le service Osez pour le dossier OSZ-2026-0906.\n"
        "donnees.json : chaque enregistrement (modèle, identifiant, champs).\n"
        "fichiers/ : les fichiers déposés (2).\n"
    )
    assert (
        AccessLog.objects.get(action="export").detail
        == f"export droit d'accès : {held} enregistrements, 2 fichiers"
    )


def test_a_subject_declared_with_the_defaults_and_none_declared():
    declared = list(rights._subject)
    try:
        rights.register_subject(Household)
        household = Household.objects.create(reference="OSZ-2026-0907", email="", origin="")
        assert rights.find("osz-2026-0907") == household and rights.reference_of(household) == "OSZ-2026-0907"
        assert rights.held_objects(household) == [household], "nothing linked unless declared"
        rights._subject.clear()
        with pytest.raises(LookupError, match=r"^no app declared the subject of rights requests"):
            rights.subject_model()
    finally:
        rights._subject[:] = declared
