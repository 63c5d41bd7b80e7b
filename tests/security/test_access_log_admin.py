"""Administrators read the access log in the back-office; nobody edits it, other roles do not see it."""

import pytest
from django.test import RequestFactory

from osez import audit
from osez.models import AccessLog
from osez.roles import ADMIN, ADVISOR, HR, MARKETING, TEAM_LEAD
from tests.factories import UserFactory


@pytest.fixture
def entry(db):
    request = RequestFactory().get("/admin/accompagnement/dossiers/1/", REMOTE_ADDR="203.0.113.9")
    request.user = UserFactory(username="conseillere-a", roles=[ADVISOR])
    return audit.record(request, audit.Action.VIEW, request.user, detail="fiche ouverte")


@pytest.mark.django_db
def test_admin_reads_the_log_but_cannot_change_or_delete_it(client, entry):
    client.force_login(UserFactory(roles=[ADMIN]))
    listing = client.get("/admin/osez/accesslog/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "conseillere-a" in html
    assert "203.0.113.9" in html

    detail = client.get(f"/admin/osez/accesslog/{entry.pk}/change/")
    assert detail.status_code == 200
    assert 'name="detail"' not in detail.content.decode(), "every field is read-only"
    assert client.post(f"/admin/osez/accesslog/{entry.pk}/change/", {"detail": "effacé"}).status_code == 403
    assert client.post(f"/admin/osez/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/osez/accesslog/add/").status_code == 403
    entry.refresh_from_db()
    assert entry.detail == "fiche ouverte"


@pytest.mark.django_db
def test_superuser_cannot_delete_log_entries_either(client, entry):
    client.force_login(UserFactory(is_superuser=True))
    assert client.post(f"/admin/osez/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ADVISOR, HR, MARKETING, TEAM_LEAD])
def test_other_roles_do_not_see_the_log(client, entry, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get("/admin/osez/accesslog/").status_code == 403
    assert client.get(f"/admin/osez/accesslog/{entry.pk}/change/").status_code == 403
    assert "accesslog" not in client.get("/admin/").content.decode()
