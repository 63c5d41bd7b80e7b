"""CV uploads: archives are read within bounds, the stored type comes from the content, downloads are
attachments of that type with nosniff."""

import io
import zipfile

import pytest
from django.urls import reverse

from emploi_conjoint import cv, services
from emploi_conjoint.models import CVVersion
from tests.factories import UserFactory
from tests.helpers import page_text

from .factories import DOCX_CONTENT_TYPES, PDF_BYTES, CandidateFactory, docx_bytes, upload

pytestmark = pytest.mark.django_db


def _zip(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def hr(client):
    client.force_login(UserFactory(roles=["HR specialist"]))
    return client


def _post_cv(client, candidate, name, data):
    return client.post(
        reverse("emploi_conjoint:cv-list", args=[candidate.pk]), {"file": upload(name, data), "note": ""}
    )


def test_a_docx_whose_content_types_expand_hugely_is_refused_without_reading_it(hr):
    candidate = CandidateFactory()
    padding = " " * (cv.MAX_MEMBER_BYTES + 1)
    bomb = _zip([("[Content_Types].xml", DOCX_CONTENT_TYPES + padding), ("word/document.xml", "<w/>")])
    assert len(bomb) < 200_000  # small on the wire, huge once expanded
    response = _post_cv(hr, candidate, "cv.docx", bomb)
    assert response.status_code == 200
    assert "se décompresse en un volume anormal" in page_text(response)
    assert not CVVersion.objects.exists()


def test_too_many_members_or_too_much_in_total_is_refused(hr):
    candidate = CandidateFactory()
    many = _zip([("[Content_Types].xml", DOCX_CONTENT_TYPES)] + [(f"x/{i}.xml", "") for i in range(501)])
    assert "volume anormal" in page_text(_post_cv(hr, candidate, "cv.docx", many))
    chunk = "a" * (cv.MAX_MEMBER_BYTES - 10)
    total = _zip([("[Content_Types].xml", DOCX_CONTENT_TYPES)] + [(f"m{i}.xml", chunk) for i in range(3)])
    assert "volume anormal" in page_text(_post_cv(hr, candidate, "cv.docx", total))
    assert not CVVersion.objects.exists()


def test_bounded_read_stops_at_the_limit_even_when_the_member_is_bigger():
    data = _zip([("big.xml", "b" * 1_000_000)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive, pytest.raises(cv.ArchiveTooLarge):
        cv._bounded_read(archive, "big.xml", limit=1000)


def test_a_pdf_html_polyglot_is_refused(hr):
    candidate = CandidateFactory()
    polyglot = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"
    response = _post_cv(hr, candidate, "polyglot.html", polyglot)
    assert "contient du code de page web" in page_text(response)
    assert not CVVersion.objects.exists()


def test_stored_name_and_download_follow_the_detected_type(hr):
    candidate = CandidateFactory()
    version = services.add_cv_version(candidate, upload("mon cv.html", PDF_BYTES))
    assert version.file.name.endswith(".pdf")
    response = hr.get(reverse("emploi_conjoint:cv-download", args=[version.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "mon cv.pdf" in disposition and ".html" not in disposition
    docx = services.add_cv_version(candidate, upload("cv.pdf", docx_bytes()))
    response = hr.get(reverse("emploi_conjoint:cv-download", args=[docx.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "cv.docx" in response["Content-Disposition"]
