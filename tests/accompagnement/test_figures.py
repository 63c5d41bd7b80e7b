"""Figures for the direction: counts, arrivals per month, retention, medians; CSV with no personal data."""

import csv
import datetime
import io

import pytest
import time_machine

from accompagnement import figures
from accompagnement.enums import Channel, Need, NeedState, Outcome, Stage
from osez.models import AccessLog
from tests.factories import CommuneFactory, EPCIFactory, UserFactory

from .factories import AdultFactory, HouseholdFactory, NeedFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def dataset():
    epci = EPCIFactory(name="Troyes Champagne Métropole fictive")
    troyes = CommuneFactory(name="Troyes fictive", epci=epci)
    partner = OrganisationFactory(name="Hôpital fictif")
    a = HouseholdFactory(stage=Stage.ARRIVED, channel=Channel.LINKEDIN, commune_chosen=troyes, referrer=partner,
                         arrival_date=datetime.date(2025, 5, 1))  # fmt: skip
    b = HouseholdFactory(stage=Stage.CLOSED, outcome=Outcome.SETTLED, channel=Channel.LINKEDIN,
                         commune_chosen=troyes, arrival_date=datetime.date(2025, 3, 1))  # fmt: skip
    c = HouseholdFactory(stage=Stage.CLOSED, outcome=Outcome.LEFT, channel=Channel.FAIR,
                         arrival_date=datetime.date(2025, 2, 1))  # fmt: skip
    HouseholdFactory(stage=Stage.ARRIVED, channel=Channel.FAIR, arrival_date=datetime.date(2026, 5, 20))
    HouseholdFactory(stage=Stage.NEW)
    AdultFactory(household=a, first_name="Zoé", last_name="Secret")
    NeedFactory(household=a, kind=Need.SCHOOL, state=NeedState.RESOLVED, opened_on=datetime.date(2025, 4, 1),
                resolved_on=datetime.date(2025, 4, 11))  # fmt: skip
    NeedFactory(household=b, kind=Need.SCHOOL, state=NeedState.RESOLVED, opened_on=datetime.date(2025, 1, 1),
                resolved_on=datetime.date(2025, 1, 31))  # fmt: skip
    NeedFactory(household=c, kind=Need.SCHOOL, state=NeedState.RESOLVED, opened_on=datetime.date(2025, 1, 1),
                resolved_on=datetime.date(2025, 1, 21))  # fmt: skip
    NeedFactory(household=c, kind=Need.DOCTOR, state=NeedState.IN_PROGRESS)
    return a, b, c


def test_counts_and_rates(dataset):
    data = figures.compute(today=TODAY)
    assert data["total"] == 5
    assert dict(data["by_stage"])["Arrivé (suivi première année)"] == 2
    assert dict(data["by_stage"])["Suivi terminé"] == 2
    assert dict(data["by_channel"]) == {"LinkedIn": 2, "Salon ou forum": 2, "Non renseigné": 1}
    assert dict(data["by_partner"])["Hôpital fictif"] == 1
    assert dict(data["by_commune"])["Troyes fictive"] == 2
    assert dict(data["by_epci"])["Troyes Champagne Métropole fictive"] == 2
    arrivals = dict(data["arrivals"])
    assert len(arrivals) == 12 and arrivals["2026-05"] == 1 and arrivals["2025-07"] == 0
    # Arrived 12+ months ago: a (still followed), b (settled), c (left) → 2 out of 3.
    assert data["retention"] == {"total": 3, "stayed": 2, "share": 67}
    medians = {label: (median, n) for label, median, n in data["median_days"]}
    assert medians["École"] == (20, 3)
    assert medians["Médecin traitant"] == (None, 0)


@time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC), tick=False)
def test_csv_has_no_names_and_is_audited(client, dataset):
    user = UserFactory(roles=["marketing"])
    client.force_login(user)
    response = client.get("/admin/accompagnement/chiffres.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["indicateur", "catégorie", "valeur"]
    assert ["familles par canal", "LinkedIn", "2"] in rows
    assert ["jours médians pour résoudre le besoin", "École", "20"] in rows
    for secret in ("Zoé", "Secret", "@example.org", "OSZ-"):
        assert secret not in text
    assert AccessLog.objects.filter(user=user, action="export").count() == 1


def test_figures_page_draws_charts_without_inline_style(client, dataset):
    client.force_login(UserFactory(roles=["team lead"]))
    response = client.get("/admin/accompagnement/chiffres/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="chart-svg"') == 6 and "Familles par étape" in html
    assert 'style="' not in html.split('id="content"')[1]
    assert "67 %" in html


def test_csv_cells_never_run_as_spreadsheet_formulas(client):
    """A partner's name is typed by staff: one that starts like a formula is written as plain text."""
    HouseholdFactory(referrer=OrganisationFactory(name='=HYPERLINK("https://exemple.invalid";"Cliquez")'))
    HouseholdFactory(referrer=OrganisationFactory(name="@SOMME(1+1)"))
    HouseholdFactory(referrer=OrganisationFactory(name="-2+3"))
    client.force_login(UserFactory(roles=["team lead"]))

    text = client.get("/admin/accompagnement/chiffres.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))

    partners = {row[1] for row in rows if row[0] == "familles par partenaire"}
    assert {'\'=HYPERLINK("https://exemple.invalid";"Cliquez")', "'@SOMME(1+1)", "'-2+3"} <= partners
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]
    assert ["familles", "total", "3"] in rows, "numbers stay numbers"
