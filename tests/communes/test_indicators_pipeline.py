"""The commune-indicator sources inside the pipeline: ``refresh_layers --source …``, the nightly Celery
schedule, the catalogue, and what each source publishes from the small sample cache of these tests."""

import io
import json
import statistics

import pytest
from django.core.management import call_command

from communes import tasks
from communes.models import CommuneIndicator, Indicator, Place, Source
from communes.sources import SOURCE_SLUGS
from communes.sources.indicators import INDICATORS
from osez.celery import app

from .conftest import SAMPLES, refresh

pytestmark = pytest.mark.django_db

INDICATOR_SOURCES = ("caf", "arcep", "dvf", "carte-scolaire", "apl")


@pytest.fixture
def registry(raw):
    for slug in ("communes", "ecoles"):
        assert refresh(slug).ok
    return raw


def published(slug):
    return {
        (c, i): (v, n, level, code)
        for c, i, v, n, level, code in CommuneIndicator.objects.filter(
            indicator__source_id=slug, is_active=True
        ).values_list("commune_id", "indicator_id", "value", "count", "level", "territory_code")
    }


def test_refresh_layers_runs_each_indicator_source_by_name(registry):
    for slug in INDICATOR_SOURCES:
        out = io.StringIO()
        call_command("refresh_layers", "--offline", "--source", slug, "--no-proximity", stdout=out)
        line = out.getvalue().splitlines()[0]
        assert line.startswith(f"{slug} : ") and "créés" in line and "ÉCHEC" not in line, line
        assert CommuneIndicator.objects.filter(indicator__source_id=slug, is_active=True).exists()


def test_every_indicator_source_is_registered_and_refreshed_nightly():
    assert set(INDICATOR_SOURCES) <= set(SOURCE_SLUGS)
    # after the registry and the Annuaire, whose collèges the carte scolaire links to
    assert SOURCE_SLUGS.index("carte-scolaire") > SOURCE_SLUGS.index("ecoles")
    scheduled = {
        entry["args"][0]
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == "communes.refresh_source"
    }
    assert set(INDICATOR_SOURCES) <= scheduled


def test_the_celery_task_refreshes_an_indicator_source(registry):
    result = tasks.refresh_source("apl")
    assert result["outcome"] == "success"
    assert CommuneIndicator.objects.filter(indicator_id="apl-generalistes").count() == 6


def test_catalogue_is_created_once_with_french_names_and_units(registry):
    for slug in INDICATOR_SOURCES:
        assert refresh(slug).ok
        assert refresh(slug).ok  # twice: no duplicate, nothing to update
    assert Indicator.objects.count() == len(INDICATORS)
    assert Indicator.objects.get(slug="dvf-prix-m2-maisons").unit == "€/m²"
    assert Indicator.objects.get(slug="arcep-thd-30").name == "Locaux éligibles à 30 Mbit/s ou plus (filaire)"
    for slug in INDICATOR_SOURCES:
        source = Source.objects.get(slug=slug)
        assert source.data_vintage and source.published_every, slug


def test_caf_sample_commune_level_where_measured_epci_level_elsewhere(registry):
    assert refresh("caf").ok
    rows = published("caf")
    places = json.loads((SAMPLES / "caf" / "nbpla_pe_com.json").read_text(encoding="utf-8"))
    troyes = next(r for r in places if r["numcom"] == "10387" and r["annee"] == 2023)
    assert rows[("10387", "caf-places-creches")] == (troyes["pl_eaje_com"], None, "commune", "10387")
    epci = json.loads((SAMPLES / "caf" / "nbpla_pe_epci.json").read_text(encoding="utf-8"))
    bar = next(r for r in epci if r["numepci"] == "241000405" and r["annee"] == 2023)
    assert rows[("10033", "caf-places-assistantes-maternelles")] == (
        bar["pl_am_ind_epci"],
        None,
        "epci",
        "241000405",
    )


def test_dvf_sample_median_of_troyes_houses(registry, settings):
    settings.OSEZ_DVF_MIN_SALES = 5
    outcome = refresh("dvf")
    assert outcome.ok and outcome.record.data_vintage == "DVF 2023–2025"
    houses = [p / s for p, s in ((150000, 100), (180000, 120), (99000, 90), (210000, 110), (130000, 95))] * 3
    rows = published("dvf")
    assert rows[("10387", "dvf-prix-m2-maisons")][:2] == (round(statistics.median(houses)), 15)
    assert rows[("10387", "dvf-prix-m2-appartements")][:2] == (None, 3)  # 3 sales: below the minimum
    assert rows[("10033", "dvf-prix-m2-maisons")][:2] == (None, 0)  # an exchange is not a sale


def test_carte_scolaire_links_the_annuaire_college(registry):
    assert refresh("carte-scolaire").ok
    college = Place.objects.get(source_id="ecoles", source_ref="0100004D")
    linked = CommuneIndicator.objects.get(commune_id="10033", indicator_id="college-secteur")
    assert linked.place == college and linked.text == college.name
    unknown = CommuneIndicator.objects.get(commune_id="10323", indicator_id="college-secteur")
    assert unknown.place is None and unknown.text == "0109998W" and unknown.attributes["uai"] == "0109998W"
    # Troyes is cut by streets between two collèges: the page must not name one.
    assert not CommuneIndicator.objects.filter(commune_id="10387", indicator_id="college-secteur").exists()


def test_arcep_and_apl_samples(registry):
    assert refresh("arcep").ok and refresh("apl").ok
    arcep = published("arcep")
    assert len(arcep) == 6 * 4  # Reims is another département's
    assert arcep[("10387", "arcep-thd-30")][1] == 61996 // 2
    apl = published("apl")
    assert apl[("10387", "apl-generalistes")][0] == 2.6  # the newest sheet (APL 2024)
    assert apl[("10387", "apl-generalistes")][1] == 61996


def test_catalogue_entries_fit_their_columns():
    """SQLite does not enforce lengths; PostgreSQL refuses the whole import if one name is too long."""
    for spec in INDICATORS:
        for field in ("slug", "name", "unit"):
            limit = Indicator._meta.get_field(field).max_length
            assert len(str(getattr(spec, field))) <= limit, (spec.slug, field)


def test_a_commune_level_value_names_its_own_territory(registry):
    assert refresh("dvf").ok and refresh("caf").ok
    for slug in ("dvf-prix-m2-maisons", "caf-places-total"):
        troyes = CommuneIndicator.objects.get(commune_id="10387", indicator_id=slug)
        assert (troyes.level, troyes.territory_code, troyes.territory_name) == ("commune", "10387", "Troyes")
    bar = CommuneIndicator.objects.get(commune_id="10033", indicator_id="caf-places-total")
    assert (bar.level, bar.territory_code) == ("epci", "241000405")


def test_new_figures_alone_leave_the_proximity_figures_as_they_are(registry, monkeypatch):
    """Proximity is about places: a refresh that changed only figures per commune does not recompute it."""
    computed = []
    monkeypatch.setattr("communes.services.compute_proximity", lambda: computed.append(1) or (0, 0.0))
    out = io.StringIO()
    call_command("refresh_layers", "--offline", "--source", "arcep", "--source", "dvf", stdout=out)
    assert "créés" in out.getvalue() and not computed
    assert "aucun lieu ni aucune commune n'a changé" in out.getvalue()
    delayed = []
    monkeypatch.setattr(tasks.compute_proximity, "delay", lambda: delayed.append(1))
    assert tasks.refresh_source("apl")["outcome"] == "success"
    assert CommuneIndicator.objects.filter(indicator__source_id="apl").exists() and not delayed
    # A place source that changed still triggers it.
    Place.objects.filter(source_id="ecoles").delete()
    assert tasks.refresh_source("ecoles")["outcome"] == "success" and delayed == [1]
