"""A family sees only its own household: every staff URL and every guessed identifier of another family
answers the login page, 403 or 404; family pages pass the Content Security Policy."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from accompagnement import models as acc
from espace_famille.models import ChecklistItem, Message
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db

REFUSED = {403, 404, 405}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def staff_paths(pk):
    """Every staff route, its converters filled with ``pk`` (the family's own dossier: the likeliest guess)."""
    paths = set()
    for route in _routes(get_resolver().url_patterns):
        if not route.startswith("admin/"):
            continue
        route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        path = re.sub(r"<(?:int:)?\w+>", str(pk), route)
        path = re.sub(r"<(?:str|slug|path):\w+>", "x", path)
        path = re.sub(r"\(\?P<\w+>[^)]*\)", str(pk), path)
        if any(c in path for c in "()[]*+?\\"):
            continue
        paths.add("/" + path)
    return sorted(paths)


def test_a_family_member_opens_no_staff_url(family_client, family):
    household, _adult = family
    # The login page is open to anyone; logging out would end the family session and spoil the rest.
    paths = [p for p in staff_paths(household.pk) if p not in ("/admin/login/", "/admin/logout/")]
    assert len(paths) > 50
    wrong = []
    for path in paths:
        for method in ("get", "post"):
            response = getattr(family_client, method)(path)
            to_login = response.status_code == 302 and response["Location"].startswith("/admin/login/")
            if not (to_login or response.status_code in REFUSED):
                wrong.append(f"{method.upper()} {path}: {response.status_code}")
    assert not wrong, wrong
    # And the family is still signed in to its own space afterwards.
    assert family_client.get("/mon-espace/").status_code == 200


def test_another_familys_attachment_message_and_steps_are_not_found(family_client, family, other_family):
    other, _other_adult = other_family
    message = Message(household=other, author="famille", text="Privé", attachment_kind="pdf")
    message.attachment.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    message.save()
    assert family_client.get(f"/mon-espace/messages/{message.pk}/piece-jointe/").status_code == 404
    assert family_client.get("/mon-espace/messages/999999/piece-jointe/").status_code == 404
    creche = ChecklistItem.objects.get(label__contains="crèche")
    assert family_client.post(f"/mon-espace/demarches/{creche.pk}/", {"done": "1"}).status_code == 404
    for url in ("/mon-espace/", "/mon-espace/lieux/", "/mon-espace/livret/", "/mon-espace/mes-donnees/"):
        body = family_client.get(url).content.decode()
        assert other.reference not in body and "Dominique" not in body and "Privé" not in body


def test_another_familys_places_are_not_shown(family_client, other_family):
    other, _adult = other_family
    acc.PinnedPlace.objects.create(household=other, place=PlaceFactory(name="Lieu de l'autre famille"))
    assert "Lieu de l" not in family_client.get("/mon-espace/lieux/").content.decode()


def test_the_export_holds_only_the_familys_own_dossier(family_client, family, other_family):
    import io
    import json
    import zipfile

    other, _adult = other_family
    Message.objects.create(household=other, author="famille", text="Secret de l'autre famille")
    content = family_client.get("/mon-espace/mes-donnees/export/").content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        data = archive.read("donnees.json").decode()
    assert "Secret de l" not in data and other.reference not in data
    assert json.loads(data)["dossier"] == family[0].reference


def test_anonymous_visitors_are_sent_to_the_sign_in_page(client, family):
    for url in (
        "/mon-espace/",
        "/mon-espace/lieux/",
        "/mon-espace/mes-donnees/",
        "/mon-espace/mes-donnees/export/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/mon-espace/connexion/", url
    response = client.post("/mon-espace/messages/", {"text": "Bonjour"})
    assert response.status_code == 302 and not Message.objects.exists()


def test_family_pages_carry_the_csp_and_no_inline_script(family_client, family):
    household, _adult = family
    acc.PinnedPlace.objects.create(household=household, place=PlaceFactory())
    for url in ("/mon-espace/", "/mon-espace/lieux/", "/mon-espace/mes-donnees/", "/mon-espace/livret/"):
        response = family_client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        scripts = re.findall(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", response.content.decode()
        )
        assert scripts == [], (url, scripts)


def test_the_welcome_pack_pdf_needs_a_family_session(client, family):
    response = client.get("/mon-espace/livret.pdf")
    assert response.status_code == 302 and "/mon-espace/connexion/" in response["Location"]
    assert not response.content.startswith(b"%PDF")
