"""Figures for the direction: counts, arrivals per month, retention, medians; CSV with no personal data."""

import csv
import datetime
import io

import pytest
import time_machine

from accompagnement import figures
from accompagnement.enums import Channel, Need, NeedState, Outcome, Stage
from accompagnement.models import Household
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
    # Two families came through LinkedIn: published as « < 5 », never as 2.
    assert ["Comment les familles ont connu le service", "LinkedIn", "< 5"] in rows
    # A median over three resolved needs would describe three families: withheld.
    assert ["jours médians pour résoudre le besoin", "École", ""] in rows
    assert ["besoins résolus comptés", "École", "< 5"] in rows
    assert ["familles", "total", "5"] in rows
    for secret in ("Zoé", "Secret", "@example.org", "OSZ-"):
        assert secret not in text
    assert AccessLog.objects.filter(user=user, action="export").count() == 1


def test_figures_page_draws_charts_without_inline_style(client, dataset):
    client.force_login(UserFactory(roles=["team lead"]))
    response = client.get("/admin/accompagnement/chiffres/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<figure class="chart"') == 9 and "Familles par étape" in html
    assert 'style="' not in html.split('id="content"')[1]
    # 2 of 3 families still here: too few to publish a share.
    assert "67 %" not in html and "Non publié" in html


def test_csv_cells_never_run_as_spreadsheet_formulas(client):
    """A partner's name is typed by staff: one that starts like a formula is written as plain text."""
    HouseholdFactory(referrer=OrganisationFactory(name='=HYPERLINK("https://exemple.invalid";"Cliquez")'))
    HouseholdFactory(referrer=OrganisationFactory(name="@SOMME(1+1)"))
    HouseholdFactory(referrer=OrganisationFactory(name="-2+3"))
    _households(3)
    client.force_login(UserFactory(roles=["team lead"]))

    text = client.get("/admin/accompagnement/chiffres.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))

    partners = {row[1] for row in rows if row[0] == "Familles par partenaire qui les a envoyées"}
    assert {'\'=HYPERLINK("https://exemple.invalid";"Cliquez")', "'@SOMME(1+1)", "'-2+3"} <= partners
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]
    assert ["familles", "total", "6"] in rows, "numbers stay numbers"


# --- Figures nobody can be found in -----------------------------------------------------------------------


def _households(n, **fields):
    return [HouseholdFactory(**fields) for _ in range(n)]


@time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC), tick=False)
def test_one_family_in_a_commune_is_never_shown_as_one(client):
    big = CommuneFactory(name="Troyes fictive")
    lonely = CommuneFactory(name="Communauté de communes du Nogentais et de la vallée fictive — Nogent")
    _households(7, commune_chosen=big, channel=Channel.LINKEDIN)
    _households(1, commune_chosen=lonely, channel=Channel.FAIR)
    client.force_login(UserFactory(roles=["team lead"]))
    html = client.get("/admin/accompagnement/chiffres/").content.decode()
    commune_chart = html.split('id="by_commune-title"')[1].split("</figure>")[0]
    # The lonely commune is « < 5 », and Troyes is withheld: 8 - 7 would give the 1 back.
    assert commune_chart.count("&lt; 5") == 1 and "masqué" in commune_chart
    assert ">7<" not in commune_chart and ">1<" not in commune_chart
    # The long label is written in full (it wraps instead of being cut).
    assert "Communauté de communes du Nogentais et de la vallée fictive — Nogent" in commune_chart
    text = client.get("/admin/accompagnement/chiffres.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    communes = {r[1]: r[2] for r in rows if r[0] == "Familles par commune (choisie)"}
    assert (
        communes[lonely.name] == "< 5" and communes["Troyes fictive"] == "masqué" and communes["total"] == "8"
    )


@time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC), tick=False)
def test_period_selector_and_funnel():
    from django.utils import timezone

    old = _households(6, stage=Stage.ARRIVED, arrival_date=datetime.date(2025, 1, 10))
    for household in old:  # opened in 2024
        Household.objects.filter(pk=household.pk).update(
            created_at=timezone.make_aware(datetime.datetime(2024, 11, 5))
        )
    _households(6, stage=Stage.NEW)
    _households(5, stage=Stage.FIRST_CONTACT)
    everything = figures.compute()
    assert dict(everything["funnel"]) == {
        "Demandes": 17,
        "Premier contact": 11,
        "Arrivées": 6,
        "Toujours là 12 mois après l'arrivée": 6,
    }
    this_year = figures.compute(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 15))
    assert dict(this_year["funnel"])["Demandes"] == 11
    assert dict(this_year["requests"]) == {"2026-01": 0, "2026-02": 0, "2026-03": 0, "2026-04": 0,
                                           "2026-05": 0, "2026-06": 11}  # fmt: skip
    published = figures.publish(this_year)
    requests = next(t for t in published["tables"] if t["key"] == "requests")
    # Five empty months and June: June withheld, else 11 - 11 would say the others are empty.
    assert [str(c) for _l, c in requests["rows"]] == ["< 5"] * 5 + ["masqué"]
    assert str(requests["total"]) == "11"


def test_period_links_and_unknown_period_do_not_fail(client):
    client.force_login(UserFactory(roles=["marketing"]))
    page = client.get("/admin/accompagnement/chiffres/", {"periode": "12m"}).content.decode()
    assert 'href="?periode=12m" aria-current="page"' in page
    assert client.get("/admin/accompagnement/chiffres/", {"periode": "<script>"}).status_code == 200
    assert "periode=12m" in client.get("/admin/accompagnement/chiffres/", {"periode": "12m"}).content.decode()


def test_every_figures_page_is_in_the_navigation(client):
    from django.urls import reverse

    client.force_login(UserFactory(roles=["marketing"]))
    page = client.get(reverse("accompagnement:figures")).content.decode()
    assert f'href="{reverse("emploi_conjoint:figures")}"' in page.split('id="content"')[0]
