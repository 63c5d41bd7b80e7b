"""Messages both ways: in the dossier's history, a notice without content, attachments checked on content."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from espace_famille.models import Message

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def test_a_family_message_reaches_the_dossier_history_and_the_advisor_is_told_without_content(
    family_client, family, advisor, client, django_capture_on_commit_callbacks
):
    household, _adult = family
    with django_capture_on_commit_callbacks(execute=True):
        response = family_client.post("/mon-espace/messages/", {"text": "Où inscrire Léa à la cantine ?"})
    assert response.status_code == 302
    assert Message.objects.get().text == "Où inscrire Léa à la cantine ?"
    notice = [m for m in mail.outbox if advisor.email in m.to]
    assert len(notice) == 1
    assert "cantine" not in notice[0].body and "cantine" not in notice[0].subject
    assert household.reference in notice[0].subject

    family_client.post("/mon-espace/deconnexion/")
    client.force_login(advisor)
    dossier = client.get(reverse("accompagnement:dossier", args=[household.pk])).content.decode()
    assert "Message de la famille (espace famille)" in dossier  # the history
    assert "Où inscrire Léa à la cantine ?" in dossier


def test_the_advisor_answers_from_the_dossier_and_the_family_reads_it(
    client, family, advisor, django_capture_on_commit_callbacks
):
    from .conftest import sign_in

    household, adult = family
    client.force_login(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("espace_famille_staff:reply", args=[household.pk]),
            {"text": "La cantine se réserve en mairie."},
        )
    assert response.status_code == 302
    notice = [m for m in mail.outbox if adult.email in m.to]
    assert len(notice) == 1 and "mairie" not in notice[0].body
    dossier = client.get(reverse("accompagnement:dossier", args=[household.pk])).content.decode()
    assert "Message à la famille (espace famille)" in dossier

    client.logout()
    sign_in(client, adult)
    assert "La cantine se réserve en mairie." in client.get("/mon-espace/").content.decode()


def test_an_empty_message_is_refused_and_nothing_is_stored(family_client):
    response = family_client.post("/mon-espace/messages/", {"text": "   "})
    assert response.status_code == 400
    assert "Le message est vide" in response.content.decode()
    assert not Message.objects.exists()
    assert not mail.outbox


def test_a_pdf_and_an_image_are_accepted_and_kept_private(family_client, family, settings, tmp_path):
    _household, _adult = family
    for name, content in (("bail.pdf", PDF), ("photo.png", PNG)):
        upload = SimpleUploadedFile(name, content)
        assert (
            family_client.post("/mon-espace/messages/", {"text": "Voici", "attachment": upload}).status_code
            == 302
        )
    kinds = sorted(Message.objects.values_list("attachment_kind", flat=True))
    assert kinds == ["pdf", "png"]
    message = Message.objects.get(attachment_kind="pdf")
    assert str(tmp_path / "private" / "famille") in message.attachment.path
    download = family_client.get(f"/mon-espace/messages/{message.pk}/piece-jointe/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_disguised_attachment_is_refused_and_nothing_is_stored(family_client):
    upload = SimpleUploadedFile("photo.pdf", b"MZ\x90\x00 not a document, a program")
    response = family_client.post("/mon-espace/messages/", {"text": "Voici ma photo", "attachment": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "seuls les PDF et les images" in body
    assert "Voici ma photo" in body  # what was typed is kept
    assert not Message.objects.exists()


def test_an_oversized_attachment_is_refused(family_client):
    upload = SimpleUploadedFile("gros.pdf", PDF + b"0" * (5 * 1024 * 1024))
    response = family_client.post("/mon-espace/messages/", {"text": "Gros fichier", "attachment": upload})
    assert response.status_code == 400
    assert "la limite est de 5 Mo" in response.content.decode()
    assert not Message.objects.exists()


def test_the_advisor_reply_with_a_bad_file_stores_nothing(client, family, advisor):
    household, _adult = family
    client.force_login(advisor)
    upload = SimpleUploadedFile("note.pdf", b"<html>not a pdf</html>")
    response = client.post(
        reverse("espace_famille_staff:reply", args=[household.pk]),
        {"text": "Voir pièce", "attachment": upload},
    )
    assert response.status_code == 302
    assert not Message.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "n&#x27;a pas été envoyé" in page or "n'a pas été envoyé" in page


def test_the_confirmation_is_announced_to_screen_readers_and_stays_a_list(family_client):
    page = family_client.post(
        "/mon-espace/messages/", {"text": "Merci pour la liste des crèches."}, follow=True
    )
    html = page.content.decode()
    # A status region around the list: a <ul role="status"> would no longer be a list, and its items
    # would be list items outside any list (axe-core's "listitem").
    region = html.index('<div role="status"><ul class="messages"><li class="message')
    assert html.index("</ul></div>", region) > region
    assert '<ul class="messages" role="status">' not in html
