"""Bad input on the dossier: field messages, nothing stored damaged; a concurrent save loses nothing typed."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnement.enums import Need, NeedState, Stage
from tests.factories import UserFactory

from .factories import AdultFactory, ChildFactory, HouseholdFactory, NeedFactory

pytestmark = pytest.mark.django_db


def edit_data(household, **overrides):
    """What the edit page posts when nothing is changed (management forms included)."""
    adults = list(household.adults.all())
    children = list(household.children.all())
    data = {
        "reference": household.reference,
        "advisor": household.advisor_id or "",
        "email": household.email,
        "phone": household.phone,
        "language": household.language,
        "origin": household.origin,
        "channel": household.channel,
        "referrer": "",
        "employer_text": "",
        "arrival_date": household.arrival_date.isoformat() if household.arrival_date else "",
        "version": household.version,
        "adults-TOTAL_FORMS": len(adults),
        "adults-INITIAL_FORMS": len(adults),
        "children-TOTAL_FORMS": len(children),
        "children-INITIAL_FORMS": len(children),
    }
    for i, adult in enumerate(adults):
        data.update({f"adults-{i}-id": adult.pk, f"adults-{i}-first_name": adult.first_name,
                     f"adults-{i}-last_name": adult.last_name, f"adults-{i}-email": adult.email})  # fmt: skip
    for i, child in enumerate(children):
        data.update({f"children-{i}-id": child.pk, f"children-{i}-first_name": child.first_name,
                     f"children-{i}-birth_year": child.birth_year})  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture
def household(advisor):
    household = HouseholdFactory(advisor=advisor, stage=Stage.ARRIVED, arrival_date=timezone.localdate())
    AdultFactory(household=household, first_name="Léa")
    ChildFactory(household=household, first_name="Noé")
    return household


def post_edit(client, household, **overrides):
    return client.post(
        reverse("accompagnement:dossier-edit", args=[household.pk]), edit_data(household, **overrides)
    )


def test_valid_edit_saves_and_bumps_version(client, advisor, household):
    client.force_login(advisor)
    response = post_edit(client, household, origin="Bordeaux")
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.origin == "Bordeaux" and household.version == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "pas-un-courriel"}, "Saisissez une adresse e-mail valide"),
        ({"adults-0-email": "lea@"}, "Saisissez une adresse e-mail valide"),
        ({"children-0-birth_year": str(timezone.localdate().year + 1)}, "date de naissance prévue"),
        (
            {"arrival_date": (timezone.localdate() + datetime.timedelta(days=10)).isoformat()},
            "ne peut pas être dans le futur",
        ),
        ({"reference": "OSZ-2025-0001"}, "déjà utilisée"),
    ],
)
def test_bad_input_is_refused_by_the_field(client, advisor, household, overrides, message):
    HouseholdFactory(reference="OSZ-2025-0001")
    client.force_login(advisor)
    before = (household.email, household.version, household.reference)
    response = post_edit(client, household, origin="Typed but refused", **overrides)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Typed but refused" in html  # what was typed is shown again
    household.refresh_from_db()
    assert (household.email, household.version, household.reference) == before
    assert household.origin != "Typed but refused"


def test_concurrent_edit_is_refused_and_keeps_what_was_typed(client, advisor, household):
    lead = UserFactory(roles=["team lead"])
    client.force_login(advisor)
    page = client.get(reverse("accompagnement:dossier-edit", args=[household.pk])).content.decode()
    version_loaded = int(re.search(r'name="version" value="(\d+)"', page).group(1))

    # Meanwhile a team lead saves the same dossier.
    from django.test import Client

    other = Client()
    other.force_login(lead)
    assert (
        other.post(
            reverse("accompagnement:dossier-edit", args=[household.pk]),
            edit_data(household, phone="03 25 00 00 00"),
        ).status_code
        == 302
    )

    response = post_edit(client, household, version=version_loaded, origin="Ce que j'ai tapé")
    html = response.content.decode()
    assert response.status_code == 200
    assert "modifié par quelqu" in html
    assert "Ce que j&#x27;ai tapé" in html or "Ce que j'ai tapé" in html
    household.refresh_from_db()
    assert household.phone == "03 25 00 00 00"  # the first save is kept
    assert household.origin == "Lyon"  # the second was not written over it


def test_concurrent_transition_makes_an_open_form_stale(client, advisor, household):
    from accompagnement import stages

    household.stage = Stage.PROJECT
    household.save()
    client.force_login(advisor)
    loaded = household.version
    stages.mark_arrived(household, by=advisor, arrival_date=timezone.localdate())
    response = post_edit(client, household, version=loaded, origin="Rennes")
    assert "modifié par quelqu" in response.content.decode()


def test_admin_refuses_a_stale_save(client, household):
    lead = UserFactory(roles=["team lead"])
    client.force_login(lead)
    url = reverse("admin:accompagnement_household_change", args=[household.pk])
    page = client.get(url).content.decode()
    assert 'name="version"' in page
    household.origin = "Changé ailleurs"
    household.save_if_current(household.version)
    data = {
        "reference": household.reference, "email": household.email, "origin": "Admin typed",
        "version": household.version - 1, "channel": "",
    }  # fmt: skip
    for prefix in ("adults", "children", "needs", "tasks", "interactions", "pinned_places", "transitions"):
        data[f"{prefix}-TOTAL_FORMS"] = 0
        data[f"{prefix}-INITIAL_FORMS"] = 0
    response = client.post(url, data)
    assert response.status_code == 200
    assert "modifié par quelqu" in response.content.decode()
    household.refresh_from_db()
    assert household.origin == "Changé ailleurs"


def test_need_resolved_before_it_was_expressed_is_refused(client, advisor, household):
    need = NeedFactory(household=household, kind=Need.SCHOOL, opened_on=timezone.localdate())
    client.force_login(advisor)
    response = client.post(
        reverse("accompagnement:need-update", args=[household.pk, need.pk]),
        {
            f"need{need.pk}-state": NeedState.RESOLVED,
            f"need{need.pk}-resolved_on": (timezone.localdate() - datetime.timedelta(days=5)).isoformat(),
            f"need{need.pk}-note": "Inscrite",
        },
    )
    assert response.status_code == 400
    assert "ne peut pas précéder" in response.content.decode()
    need.refresh_from_db()
    assert need.state == NeedState.TO_DO


def test_need_resolved_today_by_default(client, advisor, household):
    need = NeedFactory(household=household, kind=Need.DOCTOR)
    client.force_login(advisor)
    client.post(
        reverse("accompagnement:need-update", args=[household.pk, need.pk]),
        {f"need{need.pk}-state": NeedState.RESOLVED, f"need{need.pk}-note": "Médecin trouvé"},
    )
    need.refresh_from_db()
    assert need.state == NeedState.RESOLVED and need.resolved_on == timezone.localdate()


def test_skipped_transition_in_the_page_shows_the_reason(client, advisor):
    household = HouseholdFactory(advisor=advisor, stage=Stage.NEW)
    client.force_login(advisor)
    response = client.post(
        reverse("accompagnement:dossier-transition", args=[household.pk]),
        {"to_stage": Stage.ARRIVED},
        follow=True,
    )
    assert "on ne saute pas d" in response.content.decode()
    household.refresh_from_db()
    assert household.stage == Stage.NEW


def test_interaction_in_the_future_is_refused(client, advisor, household):
    client.force_login(advisor)
    response = client.post(
        reverse("accompagnement:interaction-add", args=[household.pk]),
        {
            "kind": "appel",
            "happened_on": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            "text": "x",
        },
    )
    assert response.status_code == 400
    assert "futur" in response.content.decode()
    assert not household.interactions.exists()


def test_reassigning_a_dossier_moves_its_open_tasks(client, advisor, household):
    from .factories import TaskFactory

    lead = UserFactory(roles=["team lead"])
    colleague = UserFactory(roles=["installation advisor"])
    open_task = TaskFactory(household=household, owner=advisor)
    done_task = TaskFactory(household=household, owner=advisor, done_at=timezone.now())
    client.force_login(lead)
    assert post_edit(client, household, advisor=colleague.pk).status_code == 302
    open_task.refresh_from_db()
    done_task.refresh_from_db()
    assert open_task.owner == colleague and done_task.owner == advisor
    client.force_login(colleague)
    assert open_task.title in client.get(reverse("accompagnement:tasks")).content.decode()


def test_advisor_cannot_reassign(client, advisor, household):
    colleague = UserFactory(roles=["installation advisor"])
    client.force_login(advisor)
    post_edit(client, household, advisor=colleague.pk)
    household.refresh_from_db()
    assert household.advisor == advisor  # the field is disabled for advisors
