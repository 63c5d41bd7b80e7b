"""« Mes dossiers »: an advisor's home lists their own open dossiers by stage, never a colleague's."""

import pytest
from django.urls import reverse

from accompagnement.enums import Stage
from tests.factories import UserFactory

from .factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_my_dossiers_lists_mine_and_not_a_colleagues(client):
    me = UserFactory(roles=["installation advisor"])
    colleague = UserFactory(roles=["installation advisor"])
    mine = HouseholdFactory(reference="OSZ-2026-0101", advisor=me, stage=Stage.PROJECT)
    theirs = HouseholdFactory(reference="OSZ-2026-0102", advisor=colleague, stage=Stage.PROJECT)
    HouseholdFactory(reference="OSZ-2026-0103", advisor=me, stage=Stage.CLOSED)

    client.force_login(me)
    response = client.get(reverse("accompagnement:home"))

    assert response.status_code == 200
    columns = dict(response.context["columns"])
    assert [h.reference for h in columns[Stage.PROJECT]] == [mine.reference]
    html = response.content.decode()
    assert mine.reference in html
    assert theirs.reference not in html, "a colleague's dossier is not in « Mes dossiers »"
    assert "OSZ-2026-0103" not in html, "a closed dossier is no longer on the board"
    # The colleague's open dossier is counted with the team's, not listed.
    assert response.context["team_open"] == 1


def test_a_team_lead_also_sees_only_their_own_dossiers_on_their_board(client):
    lead = UserFactory(roles=["team lead"])
    HouseholdFactory(reference="OSZ-2026-0201", advisor=UserFactory(roles=["installation advisor"]))
    client.force_login(lead)
    response = client.get(reverse("accompagnement:home"))
    assert all(not households for _stage, households in response.context["columns"])
    assert "OSZ-2026-0201" not in response.content.decode()
