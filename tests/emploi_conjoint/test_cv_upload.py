"""CV uploads: PDF/DOCX/ODT up to 5 MB checked on the content; anything else refused with nothing stored."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from emploi_conjoint import services
from emploi_conjoint.models import CVVersion
from osez.models import AccessLog
from tests.factories import UserFactory
from tests.helpers import page_text

from .factories import PDF_BYTES, CandidateFactory, docx_bytes, odt_bytes, plain_zip_bytes, upload

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"binary code"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML = b"<!doctype html><html><body><h1>CV</h1><script>alert(1)</script></body></html>"


def stored_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [("CV Camille.pdf", PDF_BYTES, "pdf"), ("cv.docx", docx_bytes(), "docx"), ("cv.odt", odt_bytes(), "odt")],
)
def test_accepted_formats_are_stored_privately_with_their_note(name, data, kind):
    candidate = CandidateFactory()
    version = services.add_cv_version(candidate, upload(name, data), note="refonte après bilan")
    assert version.file_kind == kind
    assert version.note == "refonte après bilan"
    assert version.original_name == name
    path = Path(version.file.path)
    assert path.read_bytes() == data
    assert Path(settings.PRIVATE_MEDIA_ROOT) in path.parents
    assert Path(settings.MEDIA_ROOT) not in path.parents
    assert "Camille" not in path.name  # the person's name stays out of the file system


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cv.pdf", ELF, "son contenu est un programme, pas un document"),
        ("cv.pdf", WINDOWS_PROGRAM, "son contenu est un programme, pas un document"),
        ("cv.pdf", HTML, "format non reconnu"),
        ("cv.docx", plain_zip_bytes(), "n'est pas un texte Word ou LibreOffice"),
        ("cv.pdf", b"", "Le fichier est vide"),
        ("cv.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024), "la limite est de 5 Mo"),
    ],
    ids=[
        "renamed-executable",
        "renamed-windows-program",
        "html",
        "zip-renamed-docx",
        "empty",
        "six-megabytes",
    ],
)
def test_bad_files_are_refused_in_the_page_and_nothing_is_stored(client, name, data, message):
    hr = UserFactory(roles=["HR specialist"])
    candidate = CandidateFactory()
    client.force_login(hr)
    response = client.post(
        reverse("emploi_conjoint:cv-list", args=[candidate.pk]),
        {"file": upload(name, data), "note": "essai"},
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert not CVVersion.objects.exists()
    assert stored_files() == []


def test_upload_through_the_page_then_download_is_audited(client):
    hr = UserFactory(roles=["HR specialist"])
    candidate = CandidateFactory()
    client.force_login(hr)
    response = client.post(
        reverse("emploi_conjoint:cv-list", args=[candidate.pk]),
        {"file": upload("cv.pdf", PDF_BYTES), "note": "première version"},
    )
    assert response.status_code == 302
    version = CVVersion.objects.get()
    response = client.get(reverse("emploi_conjoint:cv-download", args=[version.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert 'filename="cv.pdf"' in response["Content-Disposition"]
    assert AccessLog.objects.filter(action="download", object_id=str(version.pk), user=hr).exists()


def test_private_storage_follows_the_setting(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "elsewhere"
    version = services.add_cv_version(CandidateFactory(), upload("cv.pdf", PDF_BYTES))
    assert Path(version.file.path).is_relative_to(tmp_path / "elsewhere")


def test_macro_enabled_word_file_is_refused():
    """A .docm declares another content type in [Content_Types].xml: filetype alone would call it DOCX."""
    from django.core.exceptions import ValidationError

    from emploi_conjoint.cv import check_cv

    from .factories import DOCX_CONTENT_TYPES, _zip

    macro = DOCX_CONTENT_TYPES.replace(
        "officedocument.wordprocessingml.document.main+xml", "ms-word.document.macroEnabled.main+xml"
    )
    data = _zip(
        [("[Content_Types].xml", macro), ("word/document.xml", "<w:document/>"), ("word/vbaProject.bin", "x")]
    )
    with pytest.raises(ValidationError, match="n'est pas un texte Word"):
        check_cv(upload("cv.docx", data))


def test_deleting_a_candidate_deletes_their_cv_files(django_capture_on_commit_callbacks):
    candidate = CandidateFactory()
    version = services.add_cv_version(candidate, upload("cv.pdf", PDF_BYTES))
    path = Path(version.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        candidate.delete()
    assert not path.exists()
    assert stored_files() == []
