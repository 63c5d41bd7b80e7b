"""Every staff page of the back-office checks the role: one row per page, one column per role."""

import pytest
from django.urls import reverse

from accompagnement.enums import InteractionKind, Need, Stage
from accompagnement.models import Interaction
from tests.factories import PlaceFactory, UserFactory

from .factories import HouseholdFactory, NeedFactory, TaskFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "owner": ["installation advisor"],
    "colleague": ["installation advisor"],
    "hr": ["HR specialist"],
    "marketing": ["marketing"],
    "lead": ["team lead"],
    "admin": ["admin"],
    "norole": [],
}
OK, REDIRECT, FORBIDDEN = 200, 302, 403

# page name → expected status per role (anonymous always goes to the login page)
GET_PAGES = {
    "home": {
        "owner": OK,
        "colleague": OK,
        "hr": OK,
        "marketing": REDIRECT,
        "lead": OK,
        "admin": OK,
        "norole": FORBIDDEN,
    },
    "tasks": {
        "owner": OK,
        "colleague": OK,
        "hr": FORBIDDEN,
        "marketing": FORBIDDEN,
        "lead": OK,
        "admin": OK,
        "norole": FORBIDDEN,
    },
    "figures": {
        "owner": OK,
        "colleague": OK,
        "hr": FORBIDDEN,
        "marketing": OK,
        "lead": OK,
        "admin": OK,
        "norole": FORBIDDEN,
    },
    "figures-csv": {
        "owner": OK,
        "colleague": OK,
        "hr": FORBIDDEN,
        "marketing": OK,
        "lead": OK,
        "admin": OK,
        "norole": FORBIDDEN,
    },
    "dossier": {
        "owner": OK,
        "colleague": FORBIDDEN,
        "hr": OK,
        "marketing": FORBIDDEN,
        "lead": OK,
        "admin": OK,
        "norole": FORBIDDEN,
    },
    "dossier-edit": {
        "owner": OK,
        "colleague": FORBIDDEN,
        "hr": FORBIDDEN,
        "marketing": FORBIDDEN,
        "lead": OK,
        "admin": OK,
        "norole": FORBIDDEN,
    },
    "welcome-pack": {
        "owner": OK,
        "colleague": FORBIDDEN,
        "hr": FORBIDDEN,
        "marketing": FORBIDDEN,
        "lead": OK,
        "admin": OK,
        "norole": FORBIDDEN,
    },
}
ADMIN_PAGES = {
    "admin:accompagnement_household_changelist": {
        "owner": OK,
        "hr": FORBIDDEN,
        "marketing": FORBIDDEN,
        "lead": OK,
        "admin": OK,
    },
    "admin:accompagnement_household_change": {
        "owner": OK,
        "hr": FORBIDDEN,
        "marketing": FORBIDDEN,
        "lead": OK,
        "admin": OK,
    },
    "admin:partenaires_organisation_changelist": {
        "owner": OK,
        "hr": OK,
        "marketing": FORBIDDEN,
        "lead": OK,
        "admin": OK,
    },
    "admin:accompagnement_task_changelist": {
        "owner": OK,
        "hr": FORBIDDEN,
        "marketing": FORBIDDEN,
        "lead": OK,
        "admin": OK,
    },
}
# POST actions that change a dossier: only its advisor, team leads and admins.
POST_ACTIONS = [
    "dossier-transition",
    "need-add",
    "need-update",
    "interaction-add",
    "task-add",
    "task-done",
    "pin",
    "unpin",
]
MAY_CHANGE = {"owner", "lead", "admin"}


@pytest.fixture
def world():
    users = {name: UserFactory(username=name, roles=roles) for name, roles in ROLES.items()}
    household = HouseholdFactory(advisor=users["owner"], stage=Stage.FIRST_CONTACT)
    need = NeedFactory(household=household, kind=Need.SPOUSE_JOB)
    task = TaskFactory(household=household, owner=users["owner"])
    Interaction.objects.create(
        household=household, kind=InteractionKind.NOTE, text="Note privée de la famille"
    )
    place = PlaceFactory()
    pin = household.pinned_places.create(place=place)
    return users, household, need, task, place, pin


def url_for(name, household, need=None, task=None, pin=None):
    if name.startswith("admin:"):
        return reverse(name, args=[household.pk]) if name.endswith("_change") else reverse(name)
    kwargs = {"pk": household.pk}
    if name == "need-update":
        kwargs["need_pk"] = need.pk
    if name == "task-done":
        kwargs["task_pk"] = task.pk
    if name == "unpin":
        kwargs["pin_pk"] = pin.pk
    if name in {"home", "tasks", "figures", "figures-csv"}:
        kwargs = {}
    return reverse(f"accompagnement:{name}", kwargs=kwargs)


@pytest.mark.parametrize("page", list(GET_PAGES))
def test_get_pages_per_role(client, world, page):
    users, household, *_ = world
    url = url_for(page, household)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"], "anonymous must log in"
    for role, expected in GET_PAGES[page].items():
        client.force_login(users[role])
        assert client.get(url).status_code == expected, f"{page} as {role}"
        client.logout()


@pytest.mark.parametrize("page", list(ADMIN_PAGES))
def test_admin_pages_per_role(client, world, page):
    users, household, *_ = world
    url = url_for(page, household)
    for role, expected in ADMIN_PAGES[page].items():
        client.force_login(users[role])
        assert client.get(url).status_code == expected, f"{page} as {role}"
        client.logout()


@pytest.mark.parametrize("action", POST_ACTIONS)
def test_post_actions_per_role(client, world, action):
    users, household, need, task, place, pin = world
    url = url_for(action, household, need, task, pin)
    data = {
        "dossier-transition": {"to_stage": Stage.PROJECT},
        "need-add": {"kind": Need.DOCTOR},
        "need-update": {f"need{need.pk}-state": "en_cours", f"need{need.pk}-note": ""},
        "interaction-add": {"kind": "appel", "happened_on": "2026-01-05", "text": "Appel"},
        "task-add": {"title": "Rappeler", "due_date": "2026-12-01"},
        "task-done": {},
        "pin": {"place": place.pk, "commune": place.commune_id},
        "unpin": {},
    }[action]
    assert client.post(url, data).status_code == 302  # anonymous → login
    for role in ROLES:
        if role in MAY_CHANGE:
            continue
        client.force_login(users[role])
        assert client.post(url, data).status_code == FORBIDDEN, f"{action} as {role}"
        client.logout()
    household.refresh_from_db()
    assert household.stage == Stage.FIRST_CONTACT  # nothing changed by the refused ones
    client.force_login(users["owner"])
    assert client.post(url, data).status_code == 302
    client.logout()
    client.force_login(users["lead"])
    response = client.post(url, data)
    assert response.status_code in (302, 404)  # the owner may already have removed the pin


def test_get_is_not_allowed_on_actions(client, world):
    users, household, *_ = world
    client.force_login(users["owner"])
    assert client.get(url_for("dossier-transition", household)).status_code == 405


def test_hr_sees_the_household_but_not_the_notes(client, world):
    users, household, *_ = world
    client.force_login(users["hr"])
    html = client.get(url_for("dossier", household)).content.decode()
    assert household.reference in html and "Emploi du conjoint" in html
    assert "Note privée de la famille" not in html
    assert household.email not in html


def test_hr_cannot_see_a_household_without_spouse_job_need(client, world):
    users, *_ = world
    other = HouseholdFactory()
    client.force_login(users["hr"])
    assert client.get(reverse("accompagnement:dossier", args=[other.pk])).status_code == FORBIDDEN


def test_colleague_is_refused_and_sees_nothing_of_the_dossier(client, world):
    users, household, *_ = world
    client.force_login(users["colleague"])
    response = client.get(url_for("dossier", household))
    assert response.status_code == 403
    assert "Note privée de la famille" not in response.content.decode()
    changelist = client.get(reverse("admin:accompagnement_household_changelist")).content.decode()
    assert household.reference not in changelist


def test_marketing_sees_no_personal_data_in_navigation(client, world):
    users, household, *_ = world
    client.force_login(users["marketing"])
    html = client.get(reverse("accompagnement:figures")).content.decode()
    assert household.reference not in html
    assert "Mes dossiers" not in html and "Chiffres" in html
