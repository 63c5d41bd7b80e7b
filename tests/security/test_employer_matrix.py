"""The employer space, for every role and for two employers each trying the other's objects.

Every URL of the ``employeurs`` namespace must have a row here (a new page cannot ship without someone
deciding who may open it). An employer account reaches no staff page: every row of the staff matrix
answers it 403, or the admin's login page (the admin refuses accounts that are not staff).
"""

import pytest
from django.urls import get_resolver, reverse

from tests.employeurs.factories import EmployerAccountFactory, TerritoryKitFactory, referral
from tests.factories import CommuneFactory, UserFactory

from .test_permission_matrix import _walk, staff_expectations

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "employer", "other employer", "advisor", "hr", "admin")
# url name                    | object     | anon  | employer | other employer | advisor | hr  | admin
EMPLOYER_PAGES = """
employeurs:home               |            | login | 200 | 200 | 403 | 403 | 403
employeurs:kit-create         |            | login | 200 | 200 | 403 | 403 | 403
employeurs:referral-create    |            | login | 200 | 200 | 403 | 403 | 403
employeurs:kit-detail         | kit        | login | 200 | 404 | 403 | 403 | 403
employeurs:referral           | referral   | login | 200 | 404 | 403 | 403 | 403
employeurs:kit                | kit token  | 200   | 200 | 200 | 200 | 200 | 200
employeurs:kit-pdf            | kit token  | 200   | 200 | 200 | 200 | 200 | 200
employeurs:login              |            | 200   | 200 | 200 | 200 | 200 | 200
employeurs:logout             |            | 405   | 405 | 405 | 405 | 405 | 405
employeurs:password-set       | link       | 200   | 200 | 200 | 200 | 200 | 200
employeurs:password-set-done  |            | 200   | 200 | 200 | 200 | 200 | 200
"""


def _rows():
    rows = []
    for line in EMPLOYER_PAGES.strip().splitlines():
        name, key, *cells = (cell.strip() for cell in line.split("|"))
        rows.append((name, key, dict(zip(ROLES, cells, strict=True))))
    return rows


@pytest.fixture
def world():
    workplace = CommuneFactory(latitude=48.3, longitude=4.08)
    mine = EmployerAccountFactory(organisation__name="Employeur A (fictif)")
    theirs = EmployerAccountFactory(organisation__name="Employeur B (fictif)")
    kit = TerritoryKitFactory(organisation=mine.organisation, workplace=workplace, commute_km=10)
    their_kit = TerritoryKitFactory(
        organisation=theirs.organisation, workplace=workplace, job_title="Poste de B"
    )
    ref = referral(mine, first_name="Recrue", last_name="DeA")
    their_ref = referral(theirs, first_name="Recrue", last_name="DeB")
    users = {
        "employer": mine.user,
        "other employer": theirs.user,
        "advisor": UserFactory(roles=["installation advisor"]),
        "hr": UserFactory(roles=["HR specialist"]),
        "admin": UserFactory(roles=["admin"]),
    }
    kwargs = {
        "": {},
        "kit": {"pk": kit.pk},
        "referral": {"pk": ref.pk},
        "kit token": {"token": kit.token},
        "link": {"uidb64": "MQ", "token": "pas-un-jeton"},
    }
    return {
        "users": users,
        "kwargs": kwargs,
        "their_kit": their_kit,
        "their_ref": their_ref,
        "kit": kit,
        "ref": ref,
    }


def test_every_employer_url_has_a_row():
    found = {
        name for _route, name in _walk(get_resolver().url_patterns) if name and name.startswith("employeurs:")
    }
    assert found - {name for name, _k, _e in _rows()} == set()


@pytest.mark.parametrize("role", ROLES)
def test_employer_pages_answer_each_role_as_the_matrix_says(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    wrong = []
    for name, key, expected in _rows():
        response = client.get(reverse(name, kwargs=world["kwargs"][key]))
        got = str(response.status_code)
        if response.status_code == 302 and response["Location"].startswith(reverse("employeurs:login")):
            got = "login"
        if got != expected[role]:
            wrong.append(f"{name} [{key or '-'}]: expected {expected[role]}, got {got}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_each_employer_lists_only_its_own_kits_and_referrals(client, world):
    for user, own, other in (
        (world["users"]["employer"], "DeA", "DeB"),
        (world["users"]["other employer"], "DeB", "DeA"),
    ):
        client.force_login(user)
        page = client.get(reverse("employeurs:home")).content.decode()
        assert f"Recrue {own}" in page and f"Recrue {other}" not in page
    client.force_login(world["users"]["employer"])
    page = client.get(reverse("employeurs:home")).content.decode()
    assert world["kit"].token in page and world["their_kit"].token not in page
    assert "Poste de B" not in page


def test_an_employer_reaches_no_staff_page(client, world):
    """Every purpose-built staff page answers 403; the Django admin sends a non-staff account to its login."""
    from .test_permission_matrix import POST_ONLY, discovered_staff_urls

    client.force_login(world["users"]["employer"])
    existing = discovered_staff_urls()
    sample = {
        "own dossier": {"pk": world["ref"].household_id},
        "colleague dossier": {"pk": world["their_ref"].household_id},
        "organisation": {"pk": world["ref"].organisation_id},
        "referral": {"pk": world["their_ref"].pk},
    }
    reached = []
    for name, key, _expected in staff_expectations():
        # The admin's sign-in page is open to anyone; signing out would end the session under test.
        if name not in existing or name in ("admin:login", "admin:logout"):
            continue
        try:
            url = reverse(name, kwargs=sample.get(key, {}))
        except Exception:  # noqa: S112 - rows whose objects this world does not build
            continue
        response = client.post(url, {}) if name in POST_ONLY else client.get(url)
        status = response.status_code
        to_login = status == 302 and response["Location"].startswith("/admin/login/")
        if not (status in (403, 405) or to_login or (status == 301 and "organisation" in url)):
            reached.append(f"{name}: {status}")
    assert not reached, reached
    # And the admin never lets it in, even by its own login form.
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
