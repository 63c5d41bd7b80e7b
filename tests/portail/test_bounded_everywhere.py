"""Every search is bounded, in the API and the admin too: a message, never a 500 (SQLite included)."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

LONG = " ".join(["troyes"] * 1_500)


def test_the_api_commune_search_answers_400_with_the_bound(client, territory):
    response = client.get("/api/v1/communes/", {"q": LONG})
    assert response.status_code == 400
    assert "au plus 100 caractères" in response.json()["errors"]["q"][0]
    words = client.get("/api/v1/communes/", {"q": " ".join(["a"] * 40)})
    assert words.status_code == 400 and "au plus 10 mots" in words.json()["errors"]["q"][0]
    assert client.get("/api/v1/communes/", {"q": "x" * 60_000}).status_code == 400
    assert client.get("/api/v1/communes/", {"q": "troyes"}).status_code == 200


@pytest.mark.parametrize("path", ["/admin/communes/commune/", "/admin/communes/place/", "/admin/portail/sheet/",
                                  "/admin/portail/supportrequest/"])  # fmt: skip
def test_an_endless_admin_search_is_cut_with_a_message(client, territory, path):
    client.force_login(User.objects.create_superuser("admin-recherche", password="x"))
    response = client.get(path, {"q": LONG}, follow=True)
    assert response.status_code == 200
    assert "Seul le début a été cherché." in response.content.decode()
